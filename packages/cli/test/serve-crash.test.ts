import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FINAL_JOB_STATES, LiveStore } from '@synkti/orchestrator';
import { createRng } from '@synkti/sim-core';
import { afterAll, describe, expect, it } from 'vitest';
import { cloudAt } from '../src/cloud.js';

/**
 * Crash safety of the server (live.md): `synkti serve` on a cloud in its own process
 * (`synkti cloud --speed 60`) is SIGKILLed 6 times while jobs are submitted and cancelled over
 * its API, and restarted with the same state directory each time. Each kill comes when the
 * journal has grown 3-12 entries past the last (a named stream; printed on failure), or at
 * once after a submission (the request is durable, the orchestrator has not taken it yet).
 * Afterwards: every job answered 202 exists once and is final, each submission and
 * cancellation was carried out exactly once, every job has one final entry in the journal, and
 * the cloud runs nothing and billed only what the store recorded.
 */

const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const MAIN = path.join(ROOT, 'packages/cli/src/main.ts');
const node = (args: string[]) =>
  spawn(process.execPath, ['--conditions=@synkti/source', '--import', 'tsx', MAIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

const scenario = {
  name: 'serve-crash',
  scenario: {
    horizonHours: 24,
    idleReleaseSeconds: 120,
    instanceTypes: [
      {
        name: 'gpu',
        gpuMemoryMb: 24_000,
        networkGbps: 10,
        onDemandPerHour: 3,
        bootSeconds: 60,
        spotPrice: { kind: 'constant', perHour: 0.9 },
        preemption: { kind: 'poisson', ratePerHour: 1 },
      },
    ],
    workload: { tasks: [] },
  },
  seeds: 1,
  policies: ['greedy-spot'],
};

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

function output(child: ChildProcess): () => string {
  let text = '';
  child.stdout?.on('data', (d) => (text += String(d)));
  child.stderr?.on('data', (d) => (text += String(d)));
  return () => text;
}

describe('crash safety of synkti serve', () => {
  it('6 kills while jobs are submitted and cancelled: none lost, none twice', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-serve-crash-'));
    const file = path.join(dir, 'serve-crash.json');
    writeFileSync(file, JSON.stringify(scenario));
    const cloudDir = path.join(dir, 'cloud');
    const stateDir = path.join(dir, 'state');
    const cloudProcess = node([
      'cloud',
      file,
      '--dir',
      cloudDir,
      '--speed',
      '60',
      '--agents',
      'in-process',
    ]);
    children.push(cloudProcess);
    await new Promise<void>((resolve, reject) => {
      cloudProcess.stdout?.on('data', (d) => String(d).includes('serving') && resolve());
      cloudProcess.on('exit', (code) => reject(new Error(`the cloud exited (${code})`)));
    });
    const serveArgs = [
      'serve',
      '--scenario',
      file,
      '--cloud-dir',
      cloudDir,
      '--state-dir',
      stateDir,
    ];
    const stream = 'serve-crash-test-kill-points';
    const rng = createRng(20_261_130, stream);
    const kills: string[] = [];
    const context = () => `kills (stream ${stream} of seed 20261130): ${kills.join(', ')}`;
    const journalLength = (): number => {
      if (!existsSync(path.join(stateDir, 'synkti.db'))) return 0;
      const s = new LiveStore(stateDir, { readonly: true });
      try {
        return s.journalLength();
      } finally {
        s.close();
      }
    };

    /** Starts the server; resolves once it listens, with a client of its API. */
    const start = async () => {
      const child = node(serveArgs);
      children.push(child);
      const log = output(child);
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      const serverFile = path.join(stateDir, 'server.json');
      for (let k = 0; ; k++) {
        if (existsSync(serverFile)) {
          const s = JSON.parse(readFileSync(serverFile, 'utf8')) as { pid: number; url: string };
          if (s.pid === child.pid) break;
        }
        if (k > 600) throw new Error(`no server after 60 s: ${log()}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const { url } = JSON.parse(readFileSync(serverFile, 'utf8')) as { url: string };
      const token = readFileSync(path.join(stateDir, 'api-token'), 'utf8').trim();
      const call = async (method: string, route: string, body?: unknown) => {
        const res = await fetch(new URL(route, url), {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        }).catch((error: Error) => {
          // A server that stopped answering: say why, with its output.
          throw new Error(`${method} ${route}: ${error.message}; ${context()}\n${log()}`, {
            cause: error,
          });
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };
      return { child, exited, call, log };
    };

    const submitted: string[] = [];
    const cancelled: string[] = [];
    let n = 0;
    const submit = async (
      call: Awaited<ReturnType<typeof start>>['call'],
      workSeconds?: number,
    ) => {
      const r = await call('POST', '/jobs', {
        kind: 'batch',
        workSeconds: workSeconds ?? 600 + 300 * (n % 3),
        memoryMb: 8000 + 4000 * (n % 2),
        stateMb: 500,
      });
      n++;
      expect(r.status, context()).toBe(202);
      submitted.push(r.body['id'] as string);
    };

    let reached = 0;
    for (let k = 0; k < 6; k++) {
      const server = await start();
      // A job of 10 hours, which only its cancellation ends.
      if (k === 0) await submit(server.call, 36_000);
      await submit(server.call);
      await submit(server.call);
      if (k === 2) {
        // Its cancellation: durable before the 202.
        const r = await server.call('DELETE', `/jobs/${submitted[0]}`);
        expect(r.status, JSON.stringify(r.body)).toBe(202);
        cancelled.push(submitted[0] as string);
      }
      if (k === 3) {
        // Killed right after a submission's 202: the orchestrator may not have taken it.
        await submit(server.call);
        server.child.kill('SIGKILL');
        kills.push('at once after a submission');
      } else {
        const target = reached + Math.round(rng.uniform(3, 12));
        kills.push(`journal ${target}`);
        const deadline = Date.now() + 20_000;
        while (journalLength() < target && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 5));
        }
        server.child.kill('SIGKILL');
      }
      expect(await server.exited, `${context()}\n${server.log()}`).toBe(null);
      reached = journalLength();
    }

    // The last life: every job final, then stopped.
    const last = await start();
    const deadline = Date.now() + 180_000;
    for (;;) {
      const r = await last.call('GET', '/jobs?limit=10000');
      const jobs = r.body['jobs'] as { id: string; final: boolean }[];
      if (jobs.length === submitted.length && jobs.every((j) => j.final)) break;
      if (Date.now() > deadline) throw new Error(`not final after 3 minutes; ${context()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    last.child.kill('SIGTERM');
    expect(await last.exited, `${context()}\n${last.log()}`).toBe(0);

    const store = new LiveStore(stateDir, { readonly: true });
    const jobs = store.jobs();
    // Every job answered 202 exists once, and nothing else does.
    expect(jobs.map((j) => j.id).sort(), context()).toEqual([...submitted].sort());
    // Each request carried out once: one submission per job, all handled.
    const requests = store.db.prepare('SELECT * FROM requests ORDER BY seq').all() as {
      kind: string;
      job_id: string;
      handled_at: number | null;
      outcome: string | null;
    }[];
    expect(
      requests.filter((r) => r.handled_at === null),
      context(),
    ).toEqual([]);
    expect(
      requests
        .filter((r) => r.kind === 'submit')
        .map((r) => r.job_id)
        .sort(),
      context(),
    ).toEqual([...submitted].sort());
    // The cancelled job is CANCELLED, its request carried out once.
    for (const id of cancelled) {
      const outcomes = requests.filter((r) => r.kind === 'cancel' && r.job_id === id);
      expect(
        outcomes.map((r) => r.outcome),
        context(),
      ).toEqual(['cancelled']);
      expect(store.job(id)?.state, context()).toBe('CANCELLED');
    }
    expect(cancelled).toHaveLength(1);
    for (const j of jobs) {
      if (!cancelled.includes(j.id)) expect(j.state, `${j.id}; ${context()}`).toBe('SUCCEEDED');
    }
    // One final entry per job in the journal: none finished twice.
    const finals = store
      .journal()
      .filter((e) => e.what === 'job' && FINAL_JOB_STATES.includes(e.to_state as never))
      .map((e) => e.id);
    expect(finals.sort(), context()).toEqual([...submitted].sort());
    // Nothing left running, in the cloud or in the store; the cloud billed what the store has.
    const cloud = cloudAt(cloudDir);
    expect(
      (await cloud.describe()).filter((c) => c.state !== 'terminated'),
      context(),
    ).toEqual([]);
    expect(store.instances(['REQUESTED', 'BOOTING', 'RUNNING', 'NOTICED'])).toEqual([]);
    const ledger = await cloud.ledger(24 * 3600);
    const recorded = store.instances().filter((r) => r.cloud_id !== null);
    expect(recorded.map((r) => r.token).sort()).toEqual(
      ledger.instances.map((e) => e.token).sort(),
    );
    store.close();
    console.log(`serve crash test: ${submitted.length} jobs; ${context()}`);
  }, 420_000);
});
