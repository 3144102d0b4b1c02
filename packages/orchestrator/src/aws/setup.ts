/**
 * `synkti aws setup` and `teardown`: what a run on AWS needs in an account, made idempotently —
 * in each configured region, the event queue, the EventBridge rules that send EC2's
 * interruption warnings, rebalance recommendations and state changes to it, and the queue policy
 * that lets EventBridge (and only those rules) send; and the checkpoint bucket when one is
 * configured. Running setup again changes nothing that is already right and says so.
 *
 * Teardown removes the rules and queues; it keeps the bucket (it holds checkpoints) and says how
 * to delete it.
 */

import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { AwsCredentialIdentity } from '@smithy/types';
import { queueName } from './aws-cloud.js';
import type { AwsConfig, AwsRegionConfig } from './config.js';
import { awsCode, cloudError } from './errors.js';
import { EVENT_TYPES } from './events.js';
import { clientSettings } from './region.js';

/** One thing setup or teardown looked at, and what it did. */
export interface SetupStep {
  readonly region: string;
  readonly kind: 'queue' | 'queue policy' | 'rule' | 'rule target' | 'bucket';
  readonly name: string;
  readonly action: 'created' | 'exists' | 'updated' | 'deleted' | 'absent' | 'kept';
  /** Its ARN or URL, when known. */
  readonly id?: string;
}

/** The rules setup makes, by name suffix, with the event type each routes. */
export const RULES = [
  { suffix: 'spot-interruption', detailType: EVENT_TYPES.interruption },
  { suffix: 'rebalance', detailType: EVENT_TYPES.rebalance },
  { suffix: 'state-change', detailType: EVENT_TYPES.state },
] as const;

/** The id of the queue target on each rule. */
export const TARGET_ID = 'synkti-queue';

/** A rule's event pattern: EC2's events of one type. */
export function eventPattern(detailType: string): string {
  return JSON.stringify({ source: ['aws.ec2'], 'detail-type': [detailType] });
}

/**
 * The queue policy: EventBridge may send to the queue, and only on behalf of Synkti's rules.
 * (moto does not enforce queue policies; only a real account proves this one.)
 */
export function queuePolicy(queueArn: string, ruleArns: readonly string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: `${queueArn}/synkti`,
    Statement: [
      {
        Sid: 'EventBridgeSendsSynktiRules',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': [...ruleArns] } },
      },
    ],
  });
}

/** Options of setup and teardown. */
export interface SetupOptions {
  readonly credentials?: AwsCredentialIdentity;
  readonly retryBaseMs?: number;
}

function clients(config: AwsConfig, r: AwsRegionConfig, o: SetupOptions) {
  const settings = clientSettings({
    config,
    region: r.region,
    endpoint: r.endpoint,
    credentials: o.credentials,
    retryBaseMs: o.retryBaseMs,
  });
  return { sqs: new SQSClient(settings), events: new EventBridgeClient(settings) };
}

async function aws<T>(region: string, operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw cloudError(error, operation, region);
  }
}

/** Makes what a run needs (see the file comment); returns every step. */
export async function awsSetup(config: AwsConfig, o: SetupOptions = {}): Promise<SetupStep[]> {
  const steps: SetupStep[] = [];
  for (const r of config.regions) {
    const { sqs, events } = clients(config, r, o);
    const region = r.region;
    try {
      const name = queueName(config);
      let queueUrl: string | undefined;
      try {
        queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
      } catch (error) {
        if (!/NonExistentQueue|QueueDoesNotExist/.test(awsCode(error))) {
          throw cloudError(error, 'sqs:GetQueueUrl', region);
        }
      }
      const queueAction = queueUrl === undefined ? 'created' : 'exists';
      queueUrl ??= (
        await aws(region, 'sqs:CreateQueue', () =>
          sqs.send(
            new CreateQueueCommand({
              QueueName: name,
              Attributes: {
                MessageRetentionPeriod: String(24 * 3600),
                ReceiveMessageWaitTimeSeconds: '20',
                SqsManagedSseEnabled: 'true',
              },
            }),
          ),
        )
      ).QueueUrl as string;
      const attrs = (
        await aws(region, 'sqs:GetQueueAttributes', () =>
          sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: queueUrl,
              AttributeNames: ['QueueArn', 'Policy'],
            }),
          ),
        )
      ).Attributes;
      const queueArn = attrs?.QueueArn as string;
      steps.push({ region, kind: 'queue', name, action: queueAction, id: queueUrl });

      const ruleArns: string[] = [];
      for (const rule of RULES) {
        const ruleName = `${config.namePrefix}-${rule.suffix}`;
        const pattern = eventPattern(rule.detailType);
        let had: string | undefined;
        try {
          had = (await events.send(new DescribeRuleCommand({ Name: ruleName }))).EventPattern;
        } catch (error) {
          if (awsCode(error) !== 'ResourceNotFoundException') {
            throw cloudError(error, 'events:DescribeRule', region);
          }
        }
        const same = had !== undefined && samePattern(had, pattern);
        const arn = (
          await aws(region, 'events:PutRule', () =>
            events.send(
              new PutRuleCommand({
                Name: ruleName,
                EventPattern: pattern,
                State: 'ENABLED',
                Description: `Synkti: "${rule.detailType}" to the ${name} queue`,
              }),
            ),
          )
        ).RuleArn as string;
        ruleArns.push(arn);
        steps.push({
          region,
          kind: 'rule',
          name: ruleName,
          action: had === undefined ? 'created' : same ? 'exists' : 'updated',
          id: arn,
        });
        await aws(region, 'events:PutTargets', () =>
          events.send(
            new PutTargetsCommand({ Rule: ruleName, Targets: [{ Id: TARGET_ID, Arn: queueArn }] }),
          ),
        );
        steps.push({
          region,
          kind: 'rule target',
          name: `${ruleName} → ${name}`,
          action: 'exists',
        });
      }
      const policy = queuePolicy(queueArn, ruleArns);
      const policyAction =
        attrs?.Policy === undefined
          ? 'created'
          : samePattern(attrs.Policy, policy)
            ? 'exists'
            : 'updated';
      if (policyAction !== 'exists') {
        await aws(region, 'sqs:SetQueueAttributes', () =>
          sqs.send(
            new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { Policy: policy } }),
          ),
        );
      }
      steps.push({ region, kind: 'queue policy', name, action: policyAction });
    } finally {
      sqs.destroy();
      events.destroy();
    }
  }
  if (config.checkpoints) steps.push(await bucketSetup(config, o));
  return steps;
}

/** Two JSON documents with the same content. */
function samePattern(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

function s3For(config: AwsConfig, o: SetupOptions): S3Client {
  const c = config.checkpoints as NonNullable<AwsConfig['checkpoints']>;
  const endpoint =
    config.regions.find((r) => r.region === c.region)?.endpoint ?? config.regions[0]?.endpoint;
  return new S3Client({
    ...clientSettings({
      config,
      region: c.region,
      endpoint,
      credentials: o.credentials,
      retryBaseMs: o.retryBaseMs,
    }),
    ...(endpoint ? { forcePathStyle: true } : {}),
  });
}

async function bucketSetup(config: AwsConfig, o: SetupOptions): Promise<SetupStep> {
  const c = config.checkpoints as NonNullable<AwsConfig['checkpoints']>;
  const s3 = s3For(config, o);
  try {
    try {
      await s3.send(new HeadBucketCommand({ Bucket: c.bucket }));
      return { region: c.region, kind: 'bucket', name: c.bucket, action: 'exists' };
    } catch (error) {
      if (!/NotFound|NoSuchBucket/.test(awsCode(error))) {
        throw cloudError(error, 's3:HeadBucket', c.region);
      }
    }
    await aws(c.region, 's3:CreateBucket', () =>
      s3.send(
        new CreateBucketCommand({
          Bucket: c.bucket,
          ...(c.region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: c.region as never } }),
        }),
      ),
    );
    return { region: c.region, kind: 'bucket', name: c.bucket, action: 'created' };
  } finally {
    s3.destroy();
  }
}

/** Removes the rules and queues setup made (the bucket is kept); returns every step. */
export async function awsTeardown(config: AwsConfig, o: SetupOptions = {}): Promise<SetupStep[]> {
  const steps: SetupStep[] = [];
  for (const r of config.regions) {
    const { sqs, events } = clients(config, r, o);
    const region = r.region;
    try {
      for (const rule of RULES) {
        const ruleName = `${config.namePrefix}-${rule.suffix}`;
        try {
          await events.send(new RemoveTargetsCommand({ Rule: ruleName, Ids: [TARGET_ID] }));
          await events.send(new DeleteRuleCommand({ Name: ruleName }));
          steps.push({ region, kind: 'rule', name: ruleName, action: 'deleted' });
        } catch (error) {
          if (awsCode(error) !== 'ResourceNotFoundException') {
            throw cloudError(error, 'events:DeleteRule', region);
          }
          steps.push({ region, kind: 'rule', name: ruleName, action: 'absent' });
        }
      }
      const name = queueName(config);
      try {
        const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
        await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
        steps.push({ region, kind: 'queue', name, action: 'deleted' });
      } catch (error) {
        if (!/NonExistentQueue|QueueDoesNotExist/.test(awsCode(error))) {
          throw cloudError(error, 'sqs:DeleteQueue', region);
        }
        steps.push({ region, kind: 'queue', name, action: 'absent' });
      }
    } finally {
      sqs.destroy();
      events.destroy();
    }
  }
  if (config.checkpoints) {
    steps.push({
      region: config.checkpoints.region,
      kind: 'bucket',
      name: config.checkpoints.bucket,
      action: 'kept',
    });
  }
  return steps;
}
