/**
 * The dashboard demo, shared by its end-to-end test and `npm run screenshots`: `synkti serve`
 * on the emulated cloud of scenarios/live/serve.json at speed 60, three jobs of 12 GB submitted with
 * the CLI (two share a 24 GB instance, the third has room beside it, so a notice on the shared
 * one can move a job: a migration) — the first runs the demo workload, a real training loop —
 * and the dashboard's one-time login URL from `synkti dashboard`. Every command is the real
 * CLI in its own process.
 */

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';

export const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const MAIN = path.join(ROOT, 'packages/cli/src/main.ts');
/** Node running TypeScript sources. */
export const NODE = [process.execPath, '--conditions=@synkti/source', '--import', 'tsx'];
const TRAIN = path.join(ROOT, 'packages/orchestrator/src/workload/demo-train.ts');
const run = promisify(execFile);

/** `synkti <command> --state-dir D <args…>` (before any `--`: what follows is a job's argv). */
export async function synkti(stateDir: string, command: string, ...args: string[]) {
  const [node, ...flags] = NODE as [string, ...string[]];
  const { stdout } = await run(node, [...flags, MAIN, command, '--state-dir', stateDir, ...args], {
    cwd: ROOT,
  });
  return stdout;
}

/** A running demo server. */
export interface Demo {
  readonly stateDir: string;
  readonly server: ChildProcess;
  /** Its output so far. */
  log(): string;
  /** Resolves to its exit code. */
  readonly exited: Promise<number | null>;
  readonly ids: readonly string[];
  /** The one-time login URL. */
  readonly loginUrl: string;
}

/** Starts the server, submits the jobs and asks for a login URL. */
export async function startDemo(): Promise<Demo> {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'synkti-demo-'));
  const [node, ...flags] = NODE as [string, ...string[]];
  const server = spawn(
    node,
    [...flags, MAIN, 'serve', '--cloud', 'emulated', '--speed', '60', '--state-dir', stateDir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  server.stdout?.on('data', (d) => (log += String(d)));
  server.stderr?.on('data', (d) => (log += String(d)));
  const exited = new Promise<number | null>((r) => server.on('exit', (code) => r(code)));
  for (let k = 0; !existsSync(path.join(stateDir, 'server.json')); k++) {
    if (k > 600 || server.exitCode !== null) {
      server.kill('SIGKILL');
      throw new Error(`no server.json after ${k / 10} s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const ids: string[] = [];
  const submit = async (...args: string[]) =>
    ids.push(
      (JSON.parse(await synkti(stateDir, 'submit', '--json', ...args)) as { id: string }).id,
    );
  const job = (kind: string, hours: number, stateMb: number) => [
    '--kind',
    kind,
    '--work-hours',
    String(hours),
    '--memory-mb',
    '12000',
    '--state-mb',
    String(stateMb),
  ];
  await submit(
    ...job('training', 0.75, 50),
    '--',
    ...NODE,
    TRAIN,
    '--steps',
    '1500',
    '--step-ms',
    '30',
  );
  await submit(...job('batch', 0.6, 500));
  await submit(...job('inference', 0.5, 200));
  const { url } = JSON.parse(await synkti(stateDir, 'dashboard', '--no-open', '--json')) as {
    url: string;
  };
  return { stateDir, server, log: () => log, exited, ids, loginUrl: url };
}

/** What the dashboard shows now: its job rows as "id STATE" and its timeline's kinds. */
export async function readDashboard(page: Page): Promise<{ rows: string[]; kinds: string[] }> {
  return {
    rows: await page.$$eval('#jobs tbody tr', (trs) =>
      trs.map((r) => `${r.getAttribute('data-job-id')} ${r.getAttribute('data-state')}`),
    ),
    kinds: await page.$$eval('#events li', (lis) =>
      lis.map((l) => l.getAttribute('data-kind') ?? ''),
    ),
  };
}
