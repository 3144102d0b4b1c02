/**
 * `synkti aws setup`/`teardown` and the event path against moto_server: EventBridge rules → the
 * SQS queue → the store's inbox, at-least-once with duplicates and malformed messages.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  AwsCloud,
  type AwsConfig,
  awsSetup,
  awsTeardown,
  CloudInbox,
  EVENT_TYPES,
  LiveStore,
  queuePolicy,
  receiveOnce,
} from '@synkti/orchestrator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsFixture, startAwsFixture } from './harness/aws-fixture.js';
import { MOTO_CREDENTIALS, motoAvailable } from './harness/moto.js';

describe.skipIf(!motoAvailable())('aws setup and events against moto', () => {
  let aws: AwsFixture;
  let config: AwsConfig;
  const client = <T>(C: new (o: object) => T): T =>
    new C({ region: 'us-east-1', endpoint: aws.proxy.url, credentials: MOTO_CREDENTIALS });

  beforeAll(async () => {
    aws = await startAwsFixture();
  });
  afterAll(async () => {
    await aws?.close();
  });
  beforeEach(async () => {
    await aws.reset();
    config = aws.config({ checkpoints: { bucket: 'synkti-ckpt' } });
  });

  it('setup makes the queue, the three rules with their target, the policy and the bucket; again, nothing', async () => {
    const first = await awsSetup(config, { credentials: MOTO_CREDENTIALS });
    expect(first.map((s) => `${s.kind} ${s.name} ${s.action}`)).toEqual([
      'queue synkti-events created',
      'rule synkti-spot-interruption created',
      'rule target synkti-spot-interruption → synkti-events exists',
      'rule synkti-rebalance created',
      'rule target synkti-rebalance → synkti-events exists',
      'rule synkti-state-change created',
      'rule target synkti-state-change → synkti-events exists',
      'queue policy synkti-events created',
      'bucket synkti-ckpt created',
    ]);
    const sqs = client(SQSClient);
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'synkti-events' }))).QueueUrl;
    const attrs = (
      await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'Policy'] }),
      )
    ).Attributes;
    const ruleArns = first.filter((s) => s.kind === 'rule').map((s) => s.id as string);
    // moto does not enforce queue policies: the exact document is what is checked here.
    expect(JSON.parse(attrs?.Policy as string)).toEqual({
      Version: '2012-10-17',
      Id: `${attrs?.QueueArn}/synkti`,
      Statement: [
        {
          Sid: 'EventBridgeSendsSynktiRules',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: attrs?.QueueArn,
          Condition: {
            ArnEquals: {
              'aws:SourceArn': [
                'arn:aws:events:us-east-1:123456789012:rule/synkti-spot-interruption',
                'arn:aws:events:us-east-1:123456789012:rule/synkti-rebalance',
                'arn:aws:events:us-east-1:123456789012:rule/synkti-state-change',
              ],
            },
          },
        },
      ],
    });
    expect(JSON.parse(attrs?.Policy as string)).toEqual(
      JSON.parse(queuePolicy(attrs?.QueueArn as string, ruleArns)),
    );
    const targets = await client(EventBridgeClient).send(
      new ListTargetsByRuleCommand({ Rule: 'synkti-spot-interruption' }),
    );
    expect(targets.Targets).toEqual([{ Id: 'synkti-queue', Arn: attrs?.QueueArn }]);

    const again = await awsSetup(config, { credentials: MOTO_CREDENTIALS });
    expect(again.filter((s) => s.action !== 'exists')).toEqual([]);

    const down = await awsTeardown(config, { credentials: MOTO_CREDENTIALS });
    expect(down.map((s) => `${s.kind} ${s.name} ${s.action}`)).toEqual([
      'rule synkti-spot-interruption deleted',
      'rule synkti-rebalance deleted',
      'rule synkti-state-change deleted',
      'queue synkti-events deleted',
      'bucket synkti-ckpt kept',
    ]);
    const twice = await awsTeardown(config, { credentials: MOTO_CREDENTIALS });
    expect(twice.filter((s) => s.kind !== 'bucket').every((s) => s.action === 'absent')).toBe(true);
  });

  it('an interruption warning on the bus reaches the inbox once; the message is deleted after', async () => {
    await awsSetup(config, { credentials: MOTO_CREDENTIALS });
    const store = new LiveStore(mkdtempSync(path.join(tmpdir(), 'synkti-ev-')));
    const inbox = new CloudInbox(store);
    const sqs = client(SQSClient);
    const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'synkti-events' })))
      .QueueUrl as string;
    const put = await client(EventBridgeClient).send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'aws.ec2',
            DetailType: EVENT_TYPES.interruption,
            Detail: JSON.stringify({ 'instance-id': 'i-0abc', 'instance-action': 'terminate' }),
          },
          {
            Source: 'aws.ec2',
            DetailType: EVENT_TYPES.rebalance,
            Detail: JSON.stringify({ 'instance-id': 'i-0abd' }),
          },
          {
            Source: 'aws.ec2',
            DetailType: 'EC2 AMI State Change', // matches no rule: never reaches the queue
            Detail: JSON.stringify({}),
          },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);
    await sqs.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"detail-type": 7' }),
    );
    const epochMs = Date.now() - 1000;
    const received = { events: 0, duplicates: 0, dead: 0 };
    for (let k = 0; k < 5 && received.events + received.dead < 3; k++) {
      const r = await receiveOnce({
        sqs,
        queueUrl,
        inbox,
        epochMs,
        noticeSeconds: 120,
        waitSeconds: 1,
        region: 'us-east-1',
      });
      received.events += r.events;
      received.dead += r.dead;
      received.duplicates += r.duplicates;
    }
    expect(received).toEqual({ events: 2, duplicates: 0, dead: 1 });
    const events = inbox.after(0).map((e) => e.event);
    const warning = events.find((e) => e.kind === 'interruption-warning');
    expect(warning).toMatchObject({ instanceId: 'i-0abc' });
    if (warning?.kind !== 'interruption-warning') throw new Error('no warning');
    expect(warning.terminateAt - warning.at).toBe(120);
    expect(Math.abs(warning.at - 1)).toBeLessThan(5); // EventBridge's time, to the second
    expect(events.find((e) => e.kind === 'rebalance-recommendation')).toMatchObject({
      instanceId: 'i-0abd',
    });
    const [dead] = inbox.dead();
    expect(dead?.body).toBe('{"detail-type": 7');
    expect(dead?.reason).toMatch(/^not JSON: /);
    // Deleted once kept: nothing comes back.
    const left = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, VisibilityTimeout: 0 }),
    );
    expect(left.Messages ?? []).toEqual([]);
    store.close();
  });

  it('a message delivered twice is kept once (the receive before the delete was lost)', async () => {
    await awsSetup(config, { credentials: MOTO_CREDENTIALS });
    const store = new LiveStore(mkdtempSync(path.join(tmpdir(), 'synkti-ev-')));
    const inbox = new CloudInbox(store);
    const sqs = client(SQSClient);
    const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'synkti-events' })))
      .QueueUrl as string;
    const body = JSON.stringify({
      'detail-type': EVENT_TYPES.state,
      source: 'aws.ec2',
      time: new Date().toISOString(),
      detail: { 'instance-id': 'i-0abc', state: 'terminated' },
    });
    // In flight for 1 s only: an undeleted message comes back after a second.
    await sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { VisibilityTimeout: '1' } }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    // The delete fails (throttled past every attempt): the message is kept, not deleted.
    aws.proxy.inject('DeleteMessageBatch', 'throttle', 3);
    const o = { sqs, queueUrl, inbox, epochMs: 0, noticeSeconds: 120, region: 'us-east-1' };
    await expect(receiveOnce({ ...o, waitSeconds: 1 })).rejects.toThrow(/after 3 attempts/);
    // SQS delivers it again after its visibility timeout.
    let dup = { events: 0, duplicates: 0, dead: 0 };
    for (let k = 0; k < 8 && dup.duplicates === 0; k++)
      dup = await receiveOnce({ ...o, waitSeconds: 1 });
    expect(dup).toEqual({ events: 0, duplicates: 1, dead: 0 });
    expect(inbox.after(0)).toHaveLength(1);
    store.close();
  });

  it('a cloud started without setup refuses, saying so', async () => {
    const store = new LiveStore(mkdtempSync(path.join(tmpdir(), 'synkti-ev-')));
    const cloud = new AwsCloud({ config, store, types: [], credentials: MOTO_CREDENTIALS });
    await expect(cloud.start()).rejects.toThrow(/has "synkti aws setup" been run\?/);
    await cloud.close();
    store.close();
  });
});
