/**
 * Agents move a checkpoint through S3 (moto): one uploads a task's checkpoint, another restores
 * it and resumes from exactly that progress; a missing object is refused, naming it.
 */

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Agent, AgentClient, AgentRefusedError, type SyntheticSpec } from '@synkti/orchestrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsFixture, startAwsFixture } from './harness/aws-fixture.js';
import { MOTO_CREDENTIALS, motoAvailable } from './harness/moto.js';

const spec: SyntheticSpec = {
  workSeconds: 3600,
  baseProgressSeconds: 0,
  speed: 1,
  checkpointIntervalSeconds: null,
  stateMb: 4,
  storageMBps: 125,
  startSeconds: 0,
};

describe.skipIf(!motoAvailable())('agents and S3 (moto)', () => {
  let aws: AwsFixture;
  const agents: Agent[] = [];
  const agent = async () => {
    const a = new Agent({
      imdsUrl: 'http://127.0.0.1:9/',
      workDir: mkdtempSync(path.join(os.tmpdir(), 'synkti-s3a-')),
    });
    agents.push(a);
    return new AgentClient({ url: await a.start(), secret: a.secret });
  };
  beforeAll(async () => {
    aws = await startAwsFixture();
  });
  afterAll(async () => {
    for (const a of agents) await a.stop();
    await aws?.close();
  });

  it('uploads, restores, and resumes from the restored progress', async () => {
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: aws.proxy.url,
      credentials: MOTO_CREDENTIALS,
      forcePathStyle: true,
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'ckpt' }));
    const at = {
      bucket: 'ckpt',
      key: 'run/t1.checkpoint',
      region: 'us-east-1',
      endpoint: aws.proxy.url,
    };
    const source = await agent();
    await source.startSynthetic('t1', spec);
    await source.checkpointSynthetic('t1', 900, 900);
    const bytes = await source.uploadCheckpoint('t1', at);
    expect(bytes).toBeGreaterThan(4 * 256);
    const destination = await agent();
    const file = await destination.restoreCheckpoint('t1', at);
    const resumed = await destination.startSynthetic('t1', { ...spec, startSeconds: 1000 }, file);
    expect(resumed.synthetic?.baseProgressSeconds).toBe(900);
    expect(resumed.finishesAt).toBe(1000 + 2700);
    const missing = await destination
      .restoreCheckpoint('t2', { ...at, key: 'run/none.checkpoint' })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AgentRefusedError);
    expect((missing as Error).message).toContain(
      'task t2: no checkpoint at s3://ckpt/run/none.checkpoint',
    );
    const nothing = await destination.uploadCheckpoint('t9', at).catch((e: unknown) => e);
    expect((nothing as Error).message).toContain('task t9: no checkpoint to upload');
  });
});
