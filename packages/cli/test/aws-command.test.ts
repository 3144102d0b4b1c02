/**
 * `synkti aws setup | teardown | dead-messages` and `synkti live --aws`'s refusals, as a user
 * runs them (a separate process), against moto_server behind the fault proxy.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AwsCloud, LiveStore } from '@synkti/orchestrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AwsFixture,
  MOTO_AMI,
  startAwsFixture,
} from '../../orchestrator/test/aws/harness/aws-fixture.js';
import { MOTO_CREDENTIALS, motoAvailable } from '../../orchestrator/test/aws/harness/moto.js';

const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const MAIN = path.join(ROOT, 'packages/cli/src/main.ts');
const DEMO = path.join(ROOT, 'scenarios/live-demo.json');

function synkti(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@synkti/source', '--import', 'tsx', MAIN, ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: 'testing',
          AWS_SECRET_ACCESS_KEY: 'testing',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
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

function configFile(dir: string, content: unknown): string {
  const file = path.join(dir, `aws-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('synkti live --aws refuses what it cannot do, before anything runs', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-awscli-'));

  it('names the field of a bad configuration (exit 2)', async () => {
    const file = configFile(dir, { regions: [{ region: 'us-east-1', imageId: 'ubuntu' }] });
    const r = await synkti(['live', DEMO, '--aws', file, '--state-dir', path.join(dir, 's1')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${file}: regions[0].imageId: expected an AMI id such as "ami-0abc…", got "ubuntu"`,
    );
  });

  it('refuses an unknown field, and no image at all', async () => {
    const typo = configFile(dir, {
      regions: [{ region: 'us-east-1', imageId: MOTO_AMI }],
      queueWait: 3,
    });
    const a = await synkti(['aws', 'setup', '--config', typo]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('(top level): unknown field "queueWait" (a typo?)');
    const none = configFile(dir, { regions: [{ region: 'us-east-1' }] });
    const b = await synkti(['aws', 'setup', '--config', none]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('regions[0]: expected an "imageId" or a "launchTemplate"');
  });

  it("refuses the emulated cloud's options with --aws", async () => {
    const file = configFile(dir, { regions: [{ region: 'us-east-1', imageId: MOTO_AMI }] });
    const r = await synkti(['live', DEMO, '--aws', file, '--clock', 'scaled']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--clock: not with --aws');
  });
});

describe.skipIf(!motoAvailable())('synkti aws against moto', () => {
  let aws: AwsFixture;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-awscli-'));
  beforeAll(async () => {
    aws = await startAwsFixture();
  });
  afterAll(async () => {
    await aws?.close();
  });

  it('setup prints what it made; again, that it exists; teardown removes all but the bucket', async () => {
    const file = configFile(dir, {
      regions: [{ region: 'us-east-1', imageId: MOTO_AMI, endpoint: aws.proxy.url }],
      checkpoints: { bucket: 'synkti-cli' },
    });
    const first = await synkti(['aws', 'setup', '--config', file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('| us-east-1 | queue | synkti-events | created |');
    expect(first.stdout).toContain('| us-east-1 | rule | synkti-spot-interruption | created |');
    expect(first.stdout).toContain('| us-east-1 | bucket | synkti-cli | created |');
    const again = await synkti(['aws', 'setup', '--config', file, '--json']);
    const steps = JSON.parse(again.stdout) as { action: string }[];
    expect(steps.every((s) => s.action === 'exists')).toBe(true);
    const down = await synkti(['aws', 'teardown', '--config', file]);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('| us-east-1 | queue | synkti-events | deleted |');
    expect(down.stdout).toContain('The bucket synkti-cli is kept');
  });

  it('dead-messages lists what the queue held that was not an event', async () => {
    const file = configFile(dir, {
      regions: [{ region: 'us-east-1', imageId: MOTO_AMI, endpoint: aws.proxy.url }],
      queueWaitSeconds: 1,
    });
    expect((await synkti(['aws', 'setup', '--config', file])).code).toBe(0);
    const sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: aws.proxy.url,
      credentials: MOTO_CREDENTIALS,
    });
    const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'synkti-events' })))
      .QueueUrl;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({
          'detail-type': 'EC2 Spot Instance Interruption Warning',
          source: 'aws.ec2',
          time: 'soon',
          detail: {},
        }),
      }),
    );
    const stateDir = path.join(dir, 'run');
    const store = new LiveStore(stateDir);
    const { loadAwsConfig } = await import('../src/aws.js');
    const cloud = new AwsCloud({ config: loadAwsConfig(file), store, types: [] });
    await cloud.start();
    for (let k = 0; k < 50 && cloud.inbox.dead().length === 0; k++)
      await new Promise((r) => setTimeout(r, 100));
    await cloud.close();
    store.close();
    const r = await synkti(['aws', 'dead-messages', '--state-dir', stateDir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('why: time: expected an ISO 8601 datetime, got "soon"');
    expect(r.stdout).toContain('"time":"soon"');
  });
});
