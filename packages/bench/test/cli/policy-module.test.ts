import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../fixtures/cli.js';

/**
 * `--policy-module`: a user-written policy runs in a sweep's workers as the built-ins do. The
 * example module's policy is on-demand-only written from scratch, so on every seed its rows
 * must cost what on-demand-only's do (savings exactly 0 against it) — which only holds if the
 * workers ran it.
 */
const MODULE = path.join(ROOT, 'examples/policies/always-on-demand.mjs');

describe('--policy-module', () => {
  it('runs a user policy on 2 workers, with results equal to the built-in it rewrites', () => {
    const dir = tempDir();
    const doc = JSON.parse(readFileSync(path.join(ROOT, 'scenarios/ci.json'), 'utf8'));
    doc.name = 'user-policy';
    doc.policies = ['always-on-demand'];
    doc.migrations = ['optimal'];
    doc.seeds = 3;
    const file = path.join(dir, 'user-policy.json');
    writeFileSync(file, JSON.stringify(doc));
    const out = path.join(dir, 'out');
    const r = runCli([file, '--policy-module', MODULE, '--workers', '2', '--out', out]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const rows = parse(readFileSync(path.join(out, 'runs.csv'), 'utf8'), {
      columns: true,
    }) as Record<string, string>[];
    const mine = rows.filter((row) => row['policy'] === 'always-on-demand');
    expect(mine).toHaveLength(3);
    for (const row of mine) expect(row['savings_pct']).toBe('0');
    const theirs = rows.filter((row) => row['policy'] === 'on-demand-only');
    expect(mine.map((row) => row['total_cost_usd'])).toEqual(
      theirs.map((row) => row['total_cost_usd']),
    );
  });

  it('a TypeScript module with parameters: the same rows on 1 and 2 workers', () => {
    const dir = tempDir();
    const doc = JSON.parse(readFileSync(path.join(ROOT, 'scenarios/ci.json'), 'utf8'));
    doc.name = 'patience';
    doc.policies = [{ name: 'spot-with-patience', params: { patienceSeconds: 600 } }];
    doc.migrations = ['optimal'];
    doc.seeds = 2;
    const file = path.join(dir, 'patience.json');
    writeFileSync(file, JSON.stringify(doc));
    const module = path.join(ROOT, 'examples/policies/spot-with-patience.ts');
    const outs = [1, 2].map((workers) => {
      const out = path.join(dir, `out-${workers}`);
      const r = runCli([
        file,
        '--policy-module',
        module,
        '--workers',
        String(workers),
        '--out',
        out,
      ]);
      expect(r.stderr).not.toMatch(/error/);
      expect(r.code).toBe(0);
      return readFileSync(path.join(out, 'runs.csv'), 'utf8');
    });
    expect(outs[1]).toBe(outs[0]);
    const rows = parse(outs[0] as string, { columns: true }) as Record<string, string>[];
    const mine = rows.filter((row) => row['policy'] === 'spot-with-patience(patienceSeconds=600)');
    expect(mine).toHaveLength(2);
    expect(mine.every((row) => Number(row['tasks_completed']) > 0)).toBe(true);
    // An unknown parameter is refused, naming the ones it has.
    doc.policies = [{ name: 'spot-with-patience', params: { patience: 1 } }];
    writeFileSync(file, JSON.stringify(doc));
    const bad = runCli([file, '--policy-module', module, '--out', path.join(dir, 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'policy "spot-with-patience" has no parameter "patience"; its parameters: patienceSeconds',
    );
  });

  it('refuses a module without the expected default export: exit 2, the file and the field', () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.mjs');
    writeFileSync(bad, "export default { name: 'x', create: 42 };\n");
    const r = runCli(['scenarios/ci.json', '--policy-module', bad, '--out', path.join(dir, 'o')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `--policy-module ${bad}: default.create: expected a function (params) => policy, got number`,
    );
  });
});
