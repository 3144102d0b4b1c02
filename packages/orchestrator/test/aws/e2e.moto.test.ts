/**
 * End to end on AWS's API (moto_server behind the fault proxy): the orchestrator on `AwsCloud`
 * with local agents standing in for moto's instances. An interruption warning put on the bus
 * reaches the orchestrator through EventBridge → SQS, and the instance's agent through its
 * IMDS; with no other instance to move to, the source agent checkpoints the task to S3; the
 * policy launches a new spot instance, whose agent restores the checkpoint; the job succeeds.
 */

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DescribeInstancesCommand,
  EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AwsCloud,
  awsSetup,
  EVENT_TYPES,
  type LiveRun,
  LiveStore,
  runLive,
} from '@synkti/orchestrator';
import { createPolicy } from '@synkti/policies';
import { resolveScenario, type Scenario } from '@synkti/sim-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsFixture, startAwsFixture } from './harness/aws-fixture.js';
import { MOTO_CREDENTIALS, motoAvailable } from './harness/moto.js';
import { StandIns } from './harness/stand-ins.js';

const NOTICE_SECONDS = 6;

const SCENARIO: Scenario = {
  horizonHours: 1,
  gracePeriodSeconds: NOTICE_SECONDS,
  detectionLatencySeconds: 1,
  idleReleaseSeconds: 5,
  instanceTypes: [
    {
      name: 'p3.2xlarge',
      gpuMemoryMb: 16_000,
      networkGbps: 10,
      onDemandPerHour: 3.06,
      bootSeconds: 0,
      spotPrice: { kind: 'constant', perHour: 0.9 },
    },
  ],
  workload: {
    tasks: [
      {
        id: 'train',
        kind: 'training',
        workSeconds: 24,
        memoryMb: 8000,
        stateMb: 50,
        checkpointIntervalSeconds: 600,
      },
    ],
  },
};

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    const v = probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!motoAvailable())('the orchestrator on AWS (moto), end to end', () => {
  let aws: AwsFixture;
  let standIns: StandIns;

  beforeAll(async () => {
    aws = await startAwsFixture();
  });
  afterAll(async () => {
    await standIns?.close();
    await aws?.close();
  });

  it('a spot interruption checkpoints to S3 and the job resumes on a new instance', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'synkti-e2e-'));
    const config = aws.config({
      noticeSeconds: NOTICE_SECONDS,
      checkpoints: { bucket: 'synkti-e2e', prefix: 'ckpt/' },
    });
    await awsSetup(config, { credentials: MOTO_CREDENTIALS });
    standIns = new StandIns(dir);
    await standIns.start();
    const stateDir = path.join(dir, 'state');
    const store = new LiveStore(stateDir);
    const cloud = new AwsCloud({
      config,
      store,
      types: resolveScenario(SCENARIO).instanceTypes,
      agents: standIns.locate,
      credentials: MOTO_CREDENTIALS,
      retryBaseMs: 1,
    });
    // The cloud keeps its own connection to the run's store (its inbox); the run opens another.
    await cloud.start();
    const settings = {
      region: 'us-east-1',
      endpoint: aws.proxy.url,
      credentials: MOTO_CREDENTIALS,
    };
    const ec2 = new EC2Client(settings);

    const running = runLive({
      scenario: SCENARIO,
      seed: 1,
      policy: createPolicy('greedy-spot'),
      migration: 'optimal',
      stateDir,
      cloud,
      pollMs: 50,
      stopWhenDone: true,
      ...(cloud.s3Checkpoints ? { s3Checkpoints: cloud.s3Checkpoints } : {}),
    });
    let failed: unknown;
    running.catch((e: unknown) => {
      failed = e;
    });

    // The job computes on its first instance; then AWS interrupts that instance.
    const reader = new LiveStore(stateDir, { readonly: true });
    const first = await until('the job running', () => {
      if (failed) throw failed;
      const job = reader.job('train');
      if (job?.state !== 'RUNNING' || job.instance_token === null) return undefined;
      return reader.instance(job.instance_token)?.cloud_id ?? undefined;
    });
    await new Promise((r) => setTimeout(r, 3000));
    const terminateAt = new Date(Date.now() + NOTICE_SECONDS * 1000);
    standIns.notice(first, terminateAt);
    await new EventBridgeClient(settings).send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'aws.ec2',
            DetailType: EVENT_TYPES.interruption,
            Resources: [`arn:aws:ec2:us-east-1:123456789012:instance/${first}`],
            Detail: JSON.stringify({ 'instance-id': first, 'instance-action': 'terminate' }),
          },
        ],
      }),
    );
    setTimeout(() => {
      void ec2.send(new TerminateInstancesCommand({ InstanceIds: [first] }));
      void standIns.stop(first);
    }, NOTICE_SECONDS * 1000);

    const run: LiveRun = await running;
    const { summary, store: runStore } = run;
    expect(summary.tasksCompleted).toBe(1);
    expect(summary.preemptions).toBe(1);
    expect(runStore.job('train')?.state).toBe('SUCCEEDED');
    const path_ = runStore
      .journal()
      .filter((j) => j.id === 'train')
      .map((j) => j.to_state);
    expect(path_).toEqual(
      expect.arrayContaining(['NOTICED', 'CHECKPOINTING', 'RECOVERING', 'SUCCEEDED']),
    );

    // The warning came through the queue; the agent saw the notice through its IMDS.
    expect(
      cloud.inbox
        .after(0)
        .some((e) => e.event.kind === 'interruption-warning' && e.event.instanceId === first),
    ).toBe(true);
    expect((await standIns.agents.status(first))?.notice?.action).toBe('terminate');

    // The checkpoint is on S3, and the second instance's agent resumed from it.
    const s3 = new S3Client({ ...settings, forcePathStyle: true });
    const key = `${cloud.s3Checkpoints?.prefix}train.checkpoint`;
    const object = await s3.send(new GetObjectCommand({ Bucket: 'synkti-e2e', Key: key }));
    const bytes = await object.Body?.transformToByteArray();
    expect(bytes?.length).toBeGreaterThan(0);
    const instances = runStore.instances().filter((i) => i.cloud_id !== null);
    expect(instances.length).toBe(2);
    const second = instances.find((i) => i.cloud_id !== first)?.cloud_id as string;
    const resumed = (await standIns.agents.status(second))?.tasks.find((t) => t.id === 'train');
    const kept = Number(runStore.getMeta('s3-checkpoint:train'));
    expect(kept).toBeGreaterThan(0);
    expect(resumed?.synthetic?.baseProgressSeconds).toBe(kept);
    // …restored from S3 by that agent (what it downloaded is the object's bytes).
    const restored = readFileSync(path.join(dir, 'agents', second, 'incoming', 'train.checkpoint'));
    expect(Buffer.compare(restored, Buffer.from(bytes as Uint8Array))).toBe(0);

    // Nothing left running.
    const left = await ec2.send(new DescribeInstancesCommand({}));
    const states = (left.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .map((i) => i.State?.Name);
    expect(states.every((s) => s === 'terminated')).toBe(true);
    reader.close();
    runStore.close();
    await cloud.close();
    store.close();
  }, 120_000);

  it('an instance whose agent never serves fails: terminated, and the job runs elsewhere', async () => {
    await aws.reset();
    const dir = mkdtempSync(path.join(tmpdir(), 'synkti-e2e-'));
    const config = aws.config({ noticeSeconds: NOTICE_SECONDS });
    await awsSetup(config, { credentials: MOTO_CREDENTIALS });
    const standIns2 = new StandIns(dir);
    await standIns2.start();
    standIns2.silenceNext = true;
    const stateDir = path.join(dir, 'state');
    const store = new LiveStore(stateDir);
    const cloud = new AwsCloud({
      config,
      store,
      types: resolveScenario(SCENARIO).instanceTypes,
      agents: standIns2.locate,
      credentials: MOTO_CREDENTIALS,
      retryBaseMs: 1,
    });
    await cloud.start();
    try {
      const { summary, store: runStore } = await runLive({
        scenario: {
          ...SCENARIO,
          workload: { tasks: [{ id: 'short', workSeconds: 4, memoryMb: 8000, stateMb: 50 }] },
        },
        seed: 1,
        policy: createPolicy('greedy-spot'),
        migration: 'optimal',
        stateDir,
        cloud,
        pollMs: 50,
        stopWhenDone: true,
        agentStartMs: 1500,
      });
      expect(summary.tasksCompleted).toBe(1);
      const [silent] = [...standIns2.silent];
      const row = runStore.instances().find((i) => i.cloud_id === silent);
      expect(row?.reason).toMatch(/^agent of i\d+ did not start within \d+ s$/);
      expect(runStore.job('short')?.state).toBe('SUCCEEDED');
      expect(runStore.journal().some((j) => j.id === 'short' && j.to_state === 'RECOVERING')).toBe(
        true,
      );
      const described = await cloud.describe();
      expect(described.find((c) => c.id === silent)?.state).toBe('terminated');
      runStore.close();
    } finally {
      await cloud.close();
      store.close();
      await standIns2.close();
    }
  }, 120_000);
});
