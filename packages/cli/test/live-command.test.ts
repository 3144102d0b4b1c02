import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

const DEMO = path.join(ROOT, 'scenarios/live-demo.json');

/** {@link synkti}, without blocking the event loop (a cloud process runs beside it). */
function synktiAsync(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@synkti/source', '--import', 'tsx', MAIN, ...args],
      {
        cwd: ROOT,
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const fresh = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'synkti-live-')), 'state');

describe('synkti live (as a process)', () => {
  it('against a cloud process with an agent process per instance, equals its simulation', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-live-agents-'));
    const cloud = spawn(
      process.execPath,
      [
        '--conditions=@synkti/source',
        '--import',
        'tsx',
        MAIN,
        'cloud',
        DEMO,
        '--dir',
        path.join(dir, 'cloud'),
        '--agents',
        'process',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        cloud.stdout?.on('data', (d) => String(d).includes('serving') && resolve());
        cloud.on('exit', (code) => reject(new Error(`the cloud exited (${code})`)));
      });
      const r = await synktiAsync([
        'live',
        DEMO,
        '--cloud',
        path.join(dir, 'cloud'),
        '--state-dir',
        path.join(dir, 'state'),
        '--compare-sim',
        '--json',
      ]);
      expect(r.stderr).toBe('');
      const doc = JSON.parse(r.stdout);
      expect(doc.differences).toEqual([]);
      // Every instance had its own agent process, and jobs ran on them.
      const agents = readdirSync(path.join(dir, 'cloud', 'agents'));
      expect(agents.length).toBe(doc.live.instancesLaunched);
      expect(
        agents.some((a) => readdirSync(path.join(dir, 'cloud', 'agents', a)).includes('tasks')),
      ).toBe(true);
    } finally {
      cloud.kill('SIGTERM');
    }
  }, 120_000);

  it('runs a scenario and prints it beside its simulation', () => {
    const r = synkti(['live', CI, '--compare-sim', '--state-dir', fresh()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ci: policy greedy-spot, planner optimal, seed 1, virtual clock/);
    // The live cost and the simulated one, printed alike and equal.
    expect(r.stdout).toMatch(/\| cost \$ \| (\d+\.\d{4}) \| \1 \| same \|/);
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
      [
        ['live', CI, '--agents', 'many'],
        /--agents: expected process, in-process, none, got "many"/,
      ],
      [
        ['live', CI, '--cloud', dir, '--agents', 'process'],
        /a cloud process \(--cloud\) runs its own/,
      ],
      [
        ['live', CI, '--workload-command', '--', 'true'],
        /a command runs in wall time; add --clock scaled/,
      ],
      [['live', CI, '--clock', 'scaled', '--workload-command'], /expected the command after --/],
      [
        ['live', CI, '--clock', 'scaled', '--agents', 'none', '--workload-command', '--', 'true'],
        /commands run on agents; not with --agents none/,
      ],
      [['live', CI, '--task-retries', '-1'], /--task-retries: expected an integer ≥ 0, got -1/],
      [['live', CI, '--', 'true'], /unexpected arguments after --: true/],
    ];
    for (const [args, message] of cases) {
      const r = synkti(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
