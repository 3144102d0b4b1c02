import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { interruptCli, ROOT, runCli, tempDir } from '../fixtures/cli.js';

/**
 * What a run refuses (exit 2, nothing written) or guards against, tried as a process: results
 * tied to their inputs (resume, merge, --check, same names), the output set from one run, and
 * one writer per results directory.
 */

const CI_SCENARIO = path.join(ROOT, 'scenarios/ci.json');
const ci = () =>
  JSON.parse(readFileSync(CI_SCENARIO, 'utf8')) as { scenario: { horizonHours: number } };
const read = (dir: string, f: string) => readFileSync(path.join(dir, f), 'utf8');
const write = (file: string, body: unknown) => {
  writeFileSync(file, typeof body === 'string' ? body : JSON.stringify(body));
  return file;
};
/** `csv` with `column` of its first data row set to `value`. */
const setCell = (csv: string, column: string, value: string) => {
  const lines = csv.split('\n');
  const k = (lines[0] as string).split(',').indexOf(column);
  const cells = (lines[1] as string).split(',');
  cells[k] = value;
  lines[1] = cells.join(',');
  return lines.join('\n');
};
/** The CI scenario with one value changed (a different version of the same scenario). */
const edited = (dir: string, file = 'ci.json') => {
  const s = ci();
  s.scenario.horizonHours += 1;
  return write(path.join(dir, file), s);
};

describe('a run knows what it ran', () => {
  it('refuses two files that name one scenario with different content', () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const r = runCli([CI_SCENARIO, edited(dir), '--seeds', '1', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('both name scenario "ci" but differ (the scenario file');
    expect(existsSync(out)).toBe(false);
    // The same content twice (even reformatted, as YAML would be) is one scenario.
    const same = write(path.join(dir, 'same.json'), JSON.stringify(ci(), null, 8));
    expect(runCli([CI_SCENARIO, same, '--seeds', '1', '--out', out]).code).toBe(0);
  });

  it('--resume refuses rows made from another version of the scenario, naming the file', () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const original = write(path.join(dir, 'ci.json'), ci());
    expect(runCli([original, '--seeds', '2', '--out', out]).code).toBe(0);
    const before = read(out, 'runs.csv');
    edited(dir);
    const r = runCli([original, '--seeds', '2', '--out', out, '--resume']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`from other inputs`);
    expect(r.stderr).toContain(`the scenario file ${original} changed since`);
    expect(read(out, 'runs.csv')).toBe(before); // untouched
  });

  it('merge refuses shards of different inputs and an incomplete shard set', () => {
    const dir = tempDir();
    const [s0, s1, s2] = ['s0', 's1', 's2'].map((s) => path.join(dir, s)) as [
      string,
      string,
      string,
    ];
    const original = write(path.join(dir, 'ci.json'), ci());
    expect(runCli([original, '--seeds', '3', '--shard', '0/3', '--out', s0]).code).toBe(0);
    expect(runCli([original, '--seeds', '3', '--shard', '2/3', '--out', s2]).code).toBe(0);
    const merged = path.join(dir, 'merged');
    const missing = runCli(['merge', s0, s2, '--out', merged]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/hold 18 of the 27 runs; missing 9, .*missing shard\(s\): 1\/3/);
    expect(existsSync(merged)).toBe(false);
    edited(dir);
    expect(runCli([original, '--seeds', '3', '--shard', '1/3', '--out', s1]).code).toBe(0);
    const mixed = runCli(['merge', s0, s1, s2, '--out', merged]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('from different inputs (the scenario file');
    expect(existsSync(merged)).toBe(false);
  });
});

describe('the regression gate cannot pass by accident', () => {
  const dir = tempDir();
  const out = path.join(dir, 'out');
  const gate = (baseline: string) =>
    runCli([CI_SCENARIO, '--seeds', '2', '--out', out, '--check', baseline]);

  it('refuses, before running, a baseline that is not a runs.csv of this scenario', () => {
    const good = path.join(dir, 'good');
    expect(runCli([CI_SCENARIO, '--seeds', '2', '--out', good]).code).toBe(0);
    const runs = read(good, 'runs.csv');
    const cases: [string, string, RegExp][] = [
      ['empty.csv', '', /no rows/],
      ['comparison.csv', read(good, 'comparison.csv'), /no "migration" column/],
      ['abc.csv', setCell(runs, 'savings_pct', 'abc'), /line 2: savings_pct: expected a number/],
      [
        'other.csv',
        runs.replaceAll(/,[0-9a-f]{16},0\.1\.0,/g, ',0123456789abcdef,0.1.0,'),
        /was run from other inputs/,
      ],
      [
        'partial.csv',
        runs
          .split('\n')
          .filter((l) => !l.includes('on-demand-only'))
          .join('\n'),
        /no baseline for \d+ of the \d+ groups/,
      ],
    ];
    for (const [name, text, message] of cases) {
      const r = gate(write(path.join(dir, name), text));
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(message);
      expect(existsSync(out), name).toBe(false);
    }
    expect(gate(path.join(good, 'runs.csv')).code).toBe(0);
  });

  it('refuses, before running, a timeline seed no run has and output targets that cannot be written', () => {
    const target = path.join(dir, 'targets');
    const seed = runCli([CI_SCENARIO, '--seeds', '2', '--out', target, '--timeline', '7']);
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain('--timeline: no run with seed 7');
    const events = runCli([
      CI_SCENARIO,
      '--seeds',
      '2',
      '--out',
      target,
      '--events',
      path.join(dir, 'no/such/dir/e.jsonl'),
    ]);
    expect(events.code).toBe(2);
    expect(events.stderr).toMatch(/--events .*does not exist/);
    const file = write(path.join(dir, 'a-file'), 'x');
    const under = runCli([CI_SCENARIO, '--seeds', '2', '--out', file]);
    expect(under.code).toBe(2);
    expect(under.stderr).toContain('exists and is not a directory');
    expect(existsSync(target)).toBe(false);
  });
});

describe('sizes and threads', () => {
  it('a billion seeds: exit 2 at once, nothing written; too many workers: capped', () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const huge = runCli([CI_SCENARIO, '--seeds', '1000000000', '--out', out]);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain('asks for 9.000e+9 runs');
    expect(existsSync(out)).toBe(false);
    const many = runCli([CI_SCENARIO, '--seeds', '1', '--workers', '1000', '--out', out]);
    expect(many.code).toBe(0);
    expect(many.stderr).toMatch(/--workers 1000: this machine has \d+ cores; using \d+ workers/);
  });
});

describe('one output set, one writer', () => {
  it('an interrupted run into a directory of another scenario leaves no mix', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    expect(runCli([CI_SCENARIO, '--seeds', '1', '--out', out]).code).toBe(0);
    write(path.join(out, 'notes.txt'), 'mine');
    const r = await interruptCli(
      [path.join(ROOT, 'scenarios/default.json'), '--seeds', '100', '--out', out],
      /runs \(10%\)/,
    );
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('no other output written');
    for (const f of ['runs.csv', 'comparison.csv', 'summary.md', 'report.html']) {
      expect(existsSync(path.join(out, f)), f).toBe(false);
    }
    expect(JSON.parse(read(out, 'inputs.json')).complete).toBe(false);
    expect(read(out, 'runs.jsonl')).not.toContain('"scenario":"ci"');
    expect(read(out, 'notes.txt')).toBe('mine'); // not an output: kept
  });

  it('a Ctrl-C during the final writes completes them first (exit 130, the whole set)', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const r = await interruptCli(
      [CI_SCENARIO, '--seeds', '2', '--out', out],
      /writing the output set/,
      { SYNKTI_TEST_FINAL_WRITE_DELAY_MS: '1500' },
    );
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('interrupted during the final writes: they were completed first');
    const whole = path.join(dir, 'whole');
    expect(runCli([CI_SCENARIO, '--seeds', '2', '--out', whole]).code).toBe(0);
    for (const f of ['runs.csv', 'comparison.csv', 'summary.md']) {
      expect(read(out, f), f).toBe(read(whole, f));
    }
    expect(JSON.parse(read(out, 'inputs.json')).complete).toBe(true);
  });

  it('refuses a second writer and takes over the lock of a killed one', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    write(`${out}.lock`, `${process.pid}\n`); // a live process holds it
    const busy = runCli([CI_SCENARIO, '--seeds', '1', '--out', out]);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`another synkti-bench (PID ${process.pid}) is writing`);
    const dead = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '0']);
      child.on('exit', () => resolve(child.pid as number));
    });
    write(`${out}.lock`, `${dead}\n`);
    const taken = runCli([CI_SCENARIO, '--seeds', '1', '--out', out]);
    expect(taken.code).toBe(0);
    expect(taken.stderr).toContain(`taking over the lock of PID ${dead}, which is gone`);
    expect(existsSync(`${out}.lock`)).toBe(false);
  });
});
