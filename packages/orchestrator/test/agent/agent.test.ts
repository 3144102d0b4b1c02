import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '@synkti/sim-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent, type AgentStatus } from '../../src/agent/agent.js';
import { VirtualClock } from '../../src/clock.js';
import { startCloudServer } from '../../src/cloud/cloud-server.js';
import { EmulatedCloud } from '../../src/cloud/emulated-cloud.js';
import { HttpCloud } from '../../src/cloud/http-cloud.js';

const TRAIN = path.resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../src/workload/demo-train.ts',
);
const argv = ['--steps', '600', '--step-ms', '3'];
const command = [
  process.execPath,
  '--conditions=@synkti/source',
  '--import',
  'tsx',
  TRAIN,
  ...argv,
];

const scenario: Scenario = {
  horizonHours: 10,
  gracePeriodSeconds: 120,
  instanceTypes: [
    {
      name: 'gpu',
      gpuMemoryMb: 16_000,
      networkGbps: 10,
      onDemandPerHour: 3,
      spotPrice: { kind: 'constant', perHour: 1 },
      preemption: { kind: 'poisson', ratePerHour: 2 },
    },
  ],
  workload: { tasks: [] },
};

const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops) await s();
});

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 20_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the instance agent', () => {
  it('runs a task, turns a notice into SIGUSR1 and a checkpoint, and a second agent resumes it exactly', async () => {
    const cloud = new EmulatedCloud(scenario, 3, new VirtualClock());
    const server = await startCloudServer(cloud, { secret: 'c', epochMs: 0 });
    stops.push(server.close);
    const client = new HttpCloud(server.url, 'c');
    const source = await client.launch({ type: 'gpu', market: 'spot', jobTag: 'r', token: 'a' });
    const destination = await client.launch({
      type: 'gpu',
      market: 'on-demand',
      jobTag: 'r',
      token: 'b',
    });

    const work = mkdtempSync(path.join(os.tmpdir(), 'synkti-agent-'));
    const agentA = new Agent({ imdsUrl: source.imdsUrl as string, workDir: path.join(work, 'a') });
    const agentB = new Agent({
      imdsUrl: destination.imdsUrl as string,
      workDir: path.join(work, 'b'),
    });
    const urlA = await agentA.start();
    const urlB = await agentB.start();
    stops.push(
      () => agentA.stop(),
      () => agentB.stop(),
    );
    const call = (url: string, secret: string, route: string, init: RequestInit = {}) =>
      fetch(`${url}${route}`, {
        ...init,
        headers: { authorization: `Bearer ${secret}`, ...(init.headers ?? {}) },
      });
    const status = async (url: string, secret: string) =>
      (await (await call(url, secret, '/status')).json()) as AgentStatus;

    // The reference: the same training, never interrupted, on the destination.
    const reference = agentB.startTask('reference', command);
    expect(reference.state).toBe('running');

    // Refused: no secret (401), a shell string instead of argv (422).
    expect((await fetch(`${urlA}/status`)).status).toBe(401);
    const bad = await call(urlA, agentA.secret, '/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'job', argv: 'node train.js' }),
    });
    expect(bad.status).toBe(422);

    const started = await call(urlA, agentA.secret, '/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'job', argv: command }),
    });
    expect(started.status).toBe(201);
    await until('progress', async () => {
      const progress = (await status(urlA, agentA.secret)).tasks[0]?.progressSeconds ?? 0;
      return progress >= 100 ? true : undefined;
    });
    expect((await status(urlA, agentA.secret)).notice).toBeNull();

    // The cloud gives the spot instance its notice; the agent sees it within its polling.
    while (cloud.entry(source.id)?.noticedAt === undefined) {
      cloud.advanceToNow(cloud.nextEventAtNow() as number);
    }
    const seen = await until('the notice', async () => {
      const s = await status(urlA, agentA.secret);
      return s.notice !== null && s.tasks[0]?.lastCheckpoint ? s : undefined;
    });
    expect(seen.instanceId).toBe(source.id);
    expect(seen.notice?.action).toBe('terminate');
    const task = seen.tasks[0];
    expect(
      readFileSync(path.join(task?.checkpointDir as string, 'SYNKTI_CHECKPOINT_DEADLINE'), 'utf8'),
    ).toBe(`${seen.notice?.time}\n`);

    // The checkpoint moves to the destination agent, which resumes the task from it.
    const bytes = Buffer.from(
      await (await call(urlA, agentA.secret, '/tasks/job/checkpoint')).arrayBuffer(),
    );
    await agentA.stop(); // the instance is terminated
    const received = (await (
      await call(urlB, agentB.secret, '/tasks/job/checkpoint', {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
      })
    ).json()) as { path: string };
    agentB.startTask('job', command, received.path);
    const done = await until(
      'both finished',
      async () => {
        const s = agentB.status();
        return s.tasks.every((t) => t.state === 'exited') ? s : undefined;
      },
      60_000,
    );
    const [ref, job] = ['reference', 'job'].map((id) => done.tasks.find((t) => t.id === id));
    expect(ref?.exitCode).toBe(0);
    expect(job?.exitCode).toBe(0);
    expect(job?.result).toMatch(/^SYNKTI_RESULT [0-9a-f]{64}$/);
    expect(job?.result).toBe(ref?.result);
  }, 90_000);
});
