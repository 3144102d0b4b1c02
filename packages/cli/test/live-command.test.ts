import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const MAIN = path.join(ROOT, 'packages/cli/src/main.ts');
const CI = path.join(ROOT, 'scenarios/ci.json');

/** Runs `synkti` as a separate process, as a user would. */
function synkti(args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--conditions=@synkti/source', '--import', 'tsx', MAIN, ...args],
    { encoding: 'utf8', cwd: ROOT },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const fresh = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'synkti-live-')), 'state');

describe('synkti live (as a process)', () => {
  it('runs a scenario and prints it beside its simulation', () => {
    const r = synkti(['live', CI, '--compare-sim', '--state-dir', fresh()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ci: policy greedy-spot, planner optimal, seed 1, virtual clock/);
    expect(r.stdout).toMatch(/\| cost \$ \| 35\.7106 \| 35\.7106 \| same \|/);
    expect(r.stdout).not.toMatch(/NaN/);
  });

  it('--json: the live summary, the simulation and the metrics that differ (none)', () => {
    const r = synkti([
      'live',
      CI,
      '--json',
      '--compare-sim',
      '--seed',
      '2',
      '--state-dir',
      fresh(),
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.seed).toBe(2);
    expect(doc.differences).toEqual([]);
    expect(doc.live.totalCostUsd).toBe(doc.simulation.totalCostUsd);
    expect(doc.live.recoveries).toBeGreaterThan(0);
  });

  it('--policy-module: a user policy runs live, equal to its simulation', () => {
    const module = path.join(ROOT, 'examples/policies/always-on-demand.mjs');
    const r = synkti([
      'live',
      CI,
      '--policy-module',
      module,
      '--policy',
      'always-on-demand',
      '--json',
      '--compare-sim',
      '--state-dir',
      fresh(),
    ]);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc.policy).toBe('always-on-demand');
    expect(doc.differences).toEqual([]);
    // It is on-demand-only written from scratch: no savings against on-demand-only.
    expect(doc.live.savingsPct).toBe(0);
  });

  it('--version prints the package version (not "unknown")', () => {
    const { version } = JSON.parse(
      readFileSync(path.join(ROOT, 'packages/cli/package.json'), 'utf8'),
    );
    expect(synkti(['--version']).stdout.trim()).toBe(version);
  });

  it('refuses bad input with exit 2 before anything runs', () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'something'), 'x');
    const cases: [string[], RegExp][] = [
      [['live', CI, '--state-dir', dir], /not empty, and the cloud that ran it lived in that run/],
      [['live', CI, '--cloud', dir], /--cloud .*: no cloud there \(ENOENT\); start one with/],
      [['live', CI, '--clock', 'fast'], /--clock: expected virtual or scaled, got "fast"/],
      [['live', CI, '--speed', '60'], /--speed applies to the scaled clock only/],
      [['live', CI, '--migration', 'best'], /--migration: expected first-fit, greedy, optimal/],
      [['live', CI, '--policy', 'nope'], /--policy: unknown policy/],
      [['live', path.join(ROOT, 'missing.json')], /cannot read the scenario file/],
    ];
    for (const [args, message] of cases) {
      const r = synkti(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
