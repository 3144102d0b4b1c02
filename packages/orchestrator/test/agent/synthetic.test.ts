import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkpointCycle, completionTime } from '@synkti/sim-core';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import { AgentClient, AgentRefusedError } from '../../src/agent/agent-client.js';
import {
  readSyntheticCheckpoint,
  SYNTHETIC_BYTES_PER_MB,
  type SyntheticSpec,
} from '../../src/agent/synthetic.js';

/**
 * Synthetic tasks on a real agent, over its HTTP API: the agent keeps their progress with
 * sim-core's arithmetic, checkpoints exactly what it is asked to keep (never more than the task
 * has made), and a task resumed from a checkpoint takes its progress from the file.
 */

const agents: Agent[] = [];
afterAll(async () => {
  for (const a of agents) await a.stop();
});

async function agent(): Promise<AgentClient> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-synthetic-'));
  // No metadata service: polling it fails quietly, which these tests do not need.
  const a = new Agent({ imdsUrl: 'http://127.0.0.1:9/', workDir: dir });
  agents.push(a);
  return new AgentClient({ url: await a.start(), secret: a.secret });
}

const spec: SyntheticSpec = {
  workSeconds: 3600,
  baseProgressSeconds: 0,
  speed: 1.5,
  checkpointIntervalSeconds: 600,
  stateMb: 40,
  storageMBps: 125,
  startSeconds: 100,
};

describe('synthetic tasks on an agent', () => {
  it('finishes when sim-core says a task with its spec does', async () => {
    const a = await agent();
    const started = await a.startSynthetic('t1', spec);
    expect(started.finishesAt).toBe(
      completionTime({
        workSeconds: 3600,
        baseProgress: 0,
        runningSince: 100,
        speed: 1.5,
        cycle: checkpointCycle(600, 40, 125),
      }),
    );
  });

  it('checkpoints the progress it is told to keep, and refuses more than made', async () => {
    const a = await agent();
    await a.startSynthetic('t2', { ...spec, checkpointIntervalSeconds: null });
    // At 1100 s it has computed 1000 s at speed 1.5: 1500 work-seconds.
    await expect(a.checkpointSynthetic('t2', 1100, 1500.5)).rejects.toThrow(AgentRefusedError);
    await a.checkpointSynthetic('t2', 1100, 1500);
    const bytes = await a.checkpoint('t2');
    expect(bytes?.length).toBeGreaterThan(40 * SYNTHETIC_BYTES_PER_MB);
    const status = await a.status();
    const file = status.tasks.find((t) => t.id === 't2')?.lastCheckpoint as string;
    expect(readSyntheticCheckpoint(file, 't2')).toBe(1500);
    expect(() => readSyntheticCheckpoint(file, 'other')).toThrow(/not a synthetic checkpoint/);
  });

  it('resumes from a checkpoint file with its progress, on another agent', async () => {
    const source = await agent();
    const destination = await agent();
    const flat = { ...spec, checkpointIntervalSeconds: null };
    await source.startSynthetic('t3', flat);
    await source.checkpointSynthetic('t3', 1100, 1500);
    const bytes = (await source.checkpoint('t3')) as Uint8Array;
    await source.stop('t3');
    const where = await destination.putCheckpoint('t3', bytes);
    expect(readFileSync(where)).toEqual(Buffer.from(bytes));
    // The spec says 0; the file says 1500: the file wins.
    const resumed = await destination.startSynthetic('t3', { ...flat, startSeconds: 2000 }, where);
    expect(resumed.progressSeconds).toBe(1500);
    expect(resumed.finishesAt).toBe(2000 + (3600 - 1500) / 1.5);
  });

  it('returns the same task to a repeated start, and refuses another while it runs', async () => {
    const a = await agent();
    const first = await a.startSynthetic('t4', spec);
    const again = await a.startSynthetic('t4', spec);
    expect(again.finishesAt).toBe(first.finishesAt);
    await expect(a.startSynthetic('t4', { ...spec, startSeconds: 200 })).rejects.toThrow(
      /already running another request/,
    );
    await a.stop('t4');
    const after = await a.startSynthetic('t4', { ...spec, startSeconds: 200 });
    expect(after.finishesAt).toBe((first.finishesAt as number) + 100);
  });

  it('refuses a spec with a bad field, naming it', async () => {
    const a = await agent();
    await expect(a.startSynthetic('t5', { ...spec, speed: -1 })).rejects.toThrow(
      /synthetic\.speed: expected a finite number ≥ 0, got -1/,
    );
  });
});
