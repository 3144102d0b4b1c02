import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { parseShard } from '../../src/cli/cli.js';
import { interruptCli, ROOT, runCli, tempDir } from '../fixtures/cli.js';

const CI_SCENARIO = path.join(ROOT, 'scenarios/ci.json');
const read = (dir: string, f: string) => readFileSync(path.join(dir, f), 'utf8');

function writeScenario(dir: string, body: unknown): string {
  const file = path.join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify(body));
  return file;
}

const valid = JSON.parse(readFileSync(CI_SCENARIO, 'utf8')) as {
  scenario: { workload: { generate: { count: number } }; instanceTypes: Record<string, unknown>[] };
};

describe('synkti-bench CLI (as a process)', () => {
  it('--version prints the package version (not "unknown")', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'packages/bench/package.json'), 'utf8'));
    expect(runCli(['--version']).stdout.trim()).toBe(pkg.version);
  });

  it('npm run bench (the default scenario) writes exactly the committed results/default', () => {
    // The first documented command must not dirty the tree: same runs, same report, timeline
    // included (the first seed's, by default).
    const out = path.join(tempDir(), 'default');
    const r = runCli([path.join(ROOT, 'scenarios/default.json'), '--out', out]);
    expect(r.code).toBe(0);
    for (const f of ['runs.csv', 'comparison.csv', 'summary.md', 'report.html']) {
      expect(readFileSync(path.join(out, f), 'utf8'), f).toBe(
        readFileSync(path.join(ROOT, 'results/default', f), 'utf8'),
      );
    }
  });

  it('--help lists every option', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    for (const o of [
      '--out',
      '--workers',
      '--seeds',
      '--check',
      '--shard',
      '--resume',
      '--traces-dir',
      '--timeline',
      '--events',
      '--check-invariants',
      'merge',
    ]) {
      expect(r.stdout).toContain(o);
    }
  });

  it('bad input: file, field path, expected and found; exit 2; nothing written', () => {
    const dir = tempDir();
    const bad = structuredClone(valid);
    bad.scenario.workload.generate.count = -5;
    const file = writeScenario(dir, bad);
    const out = path.join(dir, 'out');
    const r = runCli([file, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${file}: scenario.workload.generate.count: expected an integer in [0, 10000000], got -5`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('a distribution that can draw an invalid value: exit 2 before any run, nothing written', () => {
    const dir = tempDir();
    const bad = structuredClone(valid) as unknown as {
      scenario: { workload: { generate: { memoryMb: unknown } } };
    };
    bad.scenario.workload.generate.memoryMb = { dist: 'uniform', min: -10_000, max: 20_000 };
    const file = writeScenario(dir, bad);
    const out = path.join(dir, 'out');
    const r = runCli([file, '--seeds', '8', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${file}: scenario.workload.generate.memoryMb.min: expected a distribution whose every value is MB > 0 (min > 0), got -10000`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('reads YAML scenario files', () => {
    const dir = tempDir();
    const file = path.join(dir, 'ci.yaml');
    writeFileSync(file, stringifyYaml(valid));
    const r = runCli([file, '--seeds', '2', '--out', path.join(dir, 'out')]);
    expect(r.code).toBe(0);
    expect(read(path.join(dir, 'out'), 'runs.csv')).toContain('greedy-spot');
  });

  it('a missing trace is bad input: names the file, where traces are looked for, and the fix', () => {
    const dir = tempDir();
    const bad = structuredClone(valid);
    bad.scenario.instanceTypes[0] = {
      ...bad.scenario.instanceTypes[0],
      preemption: { kind: 'trace', file: 'availability/nope.json' },
    };
    const out = path.join(dir, 'out');
    const r = runCli([writeScenario(dir, bad), '--out', out, '--traces-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `trace "availability/nope.json" not found in ${dir} (trace directory from --traces-dir)`,
    );
    expect(r.stderr).toContain('SYNKTI_TRACES_DIR');
    expect(existsSync(out)).toBe(false);
  });

  it('an unknown field is an error, not silently ignored', () => {
    const dir = tempDir();
    const bad = structuredClone(valid);
    (bad.scenario.instanceTypes[0] as Record<string, unknown>)['gpuMemoryMB'] = 1;
    const r = runCli([writeScenario(dir, bad), '--out', path.join(dir, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/scenario\.instanceTypes\[0\]: unknown field "gpuMemoryMB"/);
  });

  it('writes byte-identical results with 1 and 2 workers, sharded+merged, and resumed', () => {
    const dir = tempDir();
    const one = path.join(dir, 'one');
    const two = path.join(dir, 'two');
    expect(runCli([CI_SCENARIO, '--seeds', '3', '--workers', '1', '--out', one]).code).toBe(0);
    expect(runCli([CI_SCENARIO, '--seeds', '3', '--workers', '2', '--out', two]).code).toBe(0);
    const files = ['runs.csv', 'comparison.csv', 'summary.md'];
    for (const f of files) expect(read(two, f)).toBe(read(one, f));

    const s0 = path.join(dir, 's0');
    const s1 = path.join(dir, 's1');
    expect(runCli([CI_SCENARIO, '--seeds', '3', '--shard', '0/2', '--out', s0]).code).toBe(0);
    expect(
      runCli([CI_SCENARIO, '--seeds', '3', '--out', s1], {
        JOB_COMPLETION_INDEX: '1',
        JOB_COMPLETION_COUNT: '2',
      }).code,
    ).toBe(0);
    expect(read(s0, 'runs.csv')).not.toBe(read(one, 'runs.csv'));
    const merged = path.join(dir, 'merged');
    expect(runCli(['merge', s0, s1, '--out', merged]).code).toBe(0);
    for (const f of files) expect(read(merged, f)).toBe(read(one, f));

    // Drop half the finished runs, as if interrupted, and resume.
    const lines = read(one, 'runs.jsonl').trim().split('\n');
    const half = Math.floor(lines.length / 2);
    writeFileSync(path.join(one, 'runs.jsonl'), `${lines.slice(0, half).join('\n')}\n`);
    const resumed = runCli([CI_SCENARIO, '--seeds', '3', '--resume', '--out', one]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`${half} already done`);
    for (const f of files) expect(read(one, f)).toBe(read(two, f));
    // Six CLI processes one after another, each starting its workers: 15-17 s alone, over 60 s
    // in CI beside another test file on two cores.
  }, 240_000);

  it('--check passes against its own results and fails on a regression', () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    expect(runCli([CI_SCENARIO, '--seeds', '2', '--out', out]).code).toBe(0);
    const baseline = path.join(dir, 'baseline.csv');
    writeFileSync(baseline, read(out, 'runs.csv'));
    const ok = runCli([CI_SCENARIO, '--seeds', '2', '--out', out, '--check', baseline]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('no regression');
    // A baseline claiming 5 points more savings for every run: this run regresses.
    const csv = read(out, 'runs.csv').trim().split('\n');
    const header = (csv[0] as string).split(',');
    const col = header.indexOf('savings_pct');
    const raised = csv.map((line, k) => {
      if (k === 0) return line;
      const cells = line.split(',');
      if (cells[col] !== '') cells[col] = String(Number(cells[col]) + 5);
      return cells.join(',');
    });
    writeFileSync(baseline, `${raised.join('\n')}\n`);
    const bad = runCli([CI_SCENARIO, '--seeds', '2', '--out', out, '--check', baseline]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/REGRESSION: .*savings_pct/);
  });
});

describe('Ctrl-C', () => {
  it('keeps every finished run (exit 130) and --resume completes the same results', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const scenario = path.join(ROOT, 'scenarios/default.json');
    const r = await interruptCli([scenario, '--seeds', '100', '--out', out], /runs \(10%\)/);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted: \d+ finished runs kept/);
    const kept = read(out, 'runs.jsonl').trim().split('\n').length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(900);
    expect(existsSync(path.join(out, 'runs.csv'))).toBe(false);
    const resumed = runCli([scenario, '--seeds', '100', '--out', out, '--resume']);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`${kept} already done`);
    const fresh = path.join(dir, 'fresh');
    expect(runCli([scenario, '--seeds', '100', '--out', fresh]).code).toBe(0);
    expect(read(out, 'runs.csv')).toBe(read(fresh, 'runs.csv'));
  });
});

describe('parseShard', () => {
  it('reads i/N or the Kubernetes Indexed Job variables, and rejects nonsense', () => {
    expect(parseShard('1/4', {})).toEqual({ index: 1, count: 4 });
    expect(parseShard(undefined, { JOB_COMPLETION_INDEX: '2', JOB_COMPLETION_COUNT: '3' })).toEqual(
      { index: 2, count: 3 },
    );
    expect(parseShard(undefined, {})).toBeUndefined();
    expect(() => parseShard('4/4', {})).toThrow(/0 <= i < N/);
    expect(() => parseShard(undefined, { JOB_COMPLETION_INDEX: '0' })).toThrow(
      /JOB_COMPLETION_COUNT/,
    );
  });
});
