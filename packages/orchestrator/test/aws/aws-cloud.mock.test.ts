/**
 * What moto cannot show, with the SDK's clients mocked (aws-sdk-client-mock): the exact
 * RunInstances request for every configuration option, answers moto never gives, and the
 * background loops' failures.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DescribeInstancesCommand,
  DescribeSpotPriceHistoryCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  AwsCloud,
  type AwsConfigFile,
  AwsRegion,
  LiveStore,
  PermanentCloudError,
  resolveAwsConfig,
} from '@synkti/orchestrator';
import { resolveScenario } from '@synkti/sim-core';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ec2 = mockClient(EC2Client);
const sqs = mockClient(SQSClient);

const REGION: AwsConfigFile['regions'][number] = {
  region: 'eu-west-1',
  launchTemplate: { name: 'gpu-template', version: '3' },
  subnets: { 'eu-west-1b': 'subnet-0b' },
  securityGroupIds: ['sg-01'],
  keyName: 'ops',
  instanceProfile: 'arn:aws:iam::123456789012:instance-profile/synkti-agent',
};

function types(zone?: string) {
  return resolveScenario({
    horizonHours: 1,
    instanceTypes: [
      {
        name: 'g5.xlarge',
        gpuMemoryMb: 24_000,
        networkGbps: 10,
        onDemandPerHour: 1.006,
        spotPrice: { kind: 'constant', perHour: 0.4 },
        ...(zone ? { zone } : {}),
      },
    ],
    workload: { tasks: [] },
  }).instanceTypes;
}

function prices(...zones: [string, string][]) {
  return {
    SpotPriceHistory: zones.map(([AvailabilityZone, SpotPrice]) => ({
      AvailabilityZone,
      SpotPrice,
      InstanceType: 'g5.xlarge' as const,
      Timestamp: new Date(),
    })),
  };
}

describe('AwsCloud with mocked clients', () => {
  let store: LiveStore;
  beforeEach(() => {
    ec2.reset();
    sqs.reset();
    store = new LiveStore(mkdtempSync(path.join(tmpdir(), 'synkti-mock-')));
  });
  afterEach(() => store.close());

  const cloud = (file: Partial<AwsConfigFile> = {}, zone?: string) =>
    new AwsCloud({
      config: resolveAwsConfig({ regions: [REGION], ...file }),
      store,
      types: types(zone),
      userData: (token) => `#!/bin/sh\necho ${token}\n`,
      retryBaseMs: 1,
    });

  it('asks RunInstances for exactly what the configuration says', async () => {
    ec2
      .on(DescribeSpotPriceHistoryCommand)
      .resolves(prices(['eu-west-1a', '0.5'], ['eu-west-1b', '0.41']));
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2.on(RunInstancesCommand).resolves({
      Instances: [
        {
          InstanceId: 'i-0123',
          InstanceType: 'g5.xlarge',
          InstanceLifecycle: 'spot',
          Placement: { AvailabilityZone: 'eu-west-1b' },
          State: { Name: 'pending', Code: 0 },
          LaunchTime: new Date(),
          Tags: [{ Key: 'synkti:token', Value: 'run-1-r0' }],
        },
      ],
    });
    const c = cloud();
    const launched = await c.launch({
      type: 'g5.xlarge',
      market: 'spot',
      jobTag: 'run-1',
      token: 'run-1-r0',
    });
    expect(launched).toMatchObject({
      id: 'i-0123',
      zone: 'eu-west-1b',
      state: 'pending',
      market: 'spot',
    });
    const input = ec2.commandCalls(RunInstancesCommand)[0]?.args[0].input;
    expect(input).toEqual({
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 'g5.xlarge',
      ClientToken: `${c.runNonce}-run-1-r0`,
      LaunchTemplate: { LaunchTemplateName: 'gpu-template', Version: '3' },
      InstanceMarketOptions: {
        MarketType: 'spot',
        SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' },
      },
      Placement: { AvailabilityZone: 'eu-west-1b' },
      SubnetId: 'subnet-0b',
      SecurityGroupIds: ['sg-01'],
      KeyName: 'ops',
      IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/synkti-agent' },
      UserData: Buffer.from('#!/bin/sh\necho run-1-r0\n').toString('base64'),
      MetadataOptions: {
        HttpTokens: 'required',
        HttpEndpoint: 'enabled',
        HttpPutResponseHopLimit: 1,
      },
      TagSpecifications: [
        {
          ResourceType: 'instance',
          Tags: [
            { Key: 'synkti:run', Value: c.runNonce },
            { Key: 'synkti:job', Value: 'run-1' },
            { Key: 'synkti:token', Value: 'run-1-r0' },
            { Key: 'synkti:market', Value: 'spot' },
          ],
        },
      ],
    });
    await c.close();
  });

  it('an on-demand launch goes to the zone the scenario pins, by name of instance profile', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    ec2
      .on(RunInstancesCommand)
      .resolves({ Instances: [{ InstanceId: 'i-9', State: { Name: 'stopped' } }] });
    const c = new AwsCloud({
      config: resolveAwsConfig({
        regions: [
          {
            region: 'eu-west-1',
            imageId: 'ami-0abc',
            instanceProfile: 'synkti-agent',
            launchTemplate: { id: 'lt-1' },
          },
        ],
      }),
      store,
      types: types('eu-west-1c'),
    });
    const launched = await c.launch({
      type: 'g5.xlarge',
      market: 'on-demand',
      jobTag: 'r',
      token: 't',
    });
    expect(launched.state).toBe('terminated'); // a stopped instance is as good as gone
    const input = ec2.commandCalls(RunInstancesCommand)[0]?.args[0].input;
    expect(input?.ImageId).toBe('ami-0abc');
    expect(input?.LaunchTemplate).toEqual({ LaunchTemplateId: 'lt-1' });
    expect(input?.IamInstanceProfile).toEqual({ Name: 'synkti-agent' });
    expect(input?.Placement).toEqual({ AvailabilityZone: 'eu-west-1c' });
    expect(input?.InstanceMarketOptions).toBeUndefined();
    await c.close();
  });

  it('refuses a type no configured region may launch, and an answer naming no instance', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const pinned = cloud({}, 'us-east-1a');
    await expect(
      pinned.launch({ type: 'g5.xlarge', market: 'on-demand', jobTag: 'r', token: 't' }),
    ).rejects.toThrow(
      'instance type g5.xlarge: none of the configured regions (eu-west-1) may launch it',
    );
    await pinned.close();
    ec2.on(RunInstancesCommand).resolves({ Instances: [] });
    const c = cloud();
    await expect(
      c.launch({ type: 'g5.xlarge', market: 'on-demand', jobTag: 'r', token: 't' }),
    ).rejects.toThrow(PermanentCloudError);
    await c.close();
  });

  it('ignores prices that are not positive numbers; the latest per zone wins', async () => {
    ec2.on(DescribeSpotPriceHistoryCommand).resolves({
      SpotPriceHistory: [
        { AvailabilityZone: 'eu-west-1a', SpotPrice: 'n/a', Timestamp: new Date() },
        { AvailabilityZone: 'eu-west-1a', SpotPrice: '0', Timestamp: new Date() },
        { SpotPrice: '0.1', Timestamp: new Date() },
        { AvailabilityZone: 'eu-west-1b', SpotPrice: '0.3', Timestamp: new Date(1000) },
        { AvailabilityZone: 'eu-west-1b', SpotPrice: '0.35', Timestamp: new Date(2000) },
      ],
    });
    const c = cloud();
    expect(await c.spotPrice('g5.xlarge')).toBe(0.35);
    await c.close();
  });

  it('a permanent failure of the queue loop stops the run at its next read', async () => {
    sqs
      .on(GetQueueUrlCommand)
      .resolves({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/synkti-events' });
    sqs.on(ReceiveMessageCommand).rejects(
      Object.assign(new Error('The security token included in the request is invalid.'), {
        name: 'InvalidClientTokenId',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const c = cloud({ describeEverySeconds: 3600, queueWaitSeconds: 0 });
    await c.start();
    let error: unknown;
    for (let k = 0; k < 100 && error === undefined; k++) {
      await c.eventsAfter(0).catch((e: unknown) => {
        error = e;
      });
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(error).toBeInstanceOf(PermanentCloudError);
    expect((error as Error).message).toMatch(
      /eu-west-1 sqs:ReceiveMessage: InvalidClientTokenId: .*check the credentials/,
    );
    await c.close();
  });

  it('a transient failure of the queue loop is retried', async () => {
    sqs
      .on(GetQueueUrlCommand)
      .resolves({ QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/synkti-events' });
    sqs
      .on(ReceiveMessageCommand)
      .rejectsOnce(
        Object.assign(new Error('slow'), {
          name: 'ThrottlingException',
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .resolves({ Messages: [] });
    const c = new AwsCloud({
      config: resolveAwsConfig({
        regions: [REGION],
        describeEverySeconds: 3600,
        maxAttempts: 1,
        queueWaitSeconds: 0,
      }),
      store,
      types: types(),
      receiveRetryMs: 1,
    });
    await c.start();
    for (let k = 0; k < 100 && sqs.commandCalls(ReceiveMessageCommand).length < 3; k++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(sqs.commandCalls(ReceiveMessageCommand).length).toBeGreaterThanOrEqual(3);
    expect(await c.eventsAfter(0)).toEqual([]);
    await c.close();
  });

  it('the describe loop adds the states EventBridge did not report, once each', async () => {
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: 'q' });
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [{ Instances: [{ InstanceId: 'i-5', State: { Name: 'running' }, Tags: [] }] }],
    });
    const c = new AwsCloud({
      config: resolveAwsConfig({
        regions: [REGION],
        describeEverySeconds: 0.01,
        queueWaitSeconds: 0,
      }),
      store,
      types: types(),
      receiveRetryMs: 5,
    });
    await c.start();
    for (let k = 0; k < 100 && ec2.commandCalls(DescribeInstancesCommand).length < 3; k++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const events = (await c.eventsAfter(0)).map((e) => e.event);
    expect(events).toEqual([
      { kind: 'state', instanceId: 'i-5', state: 'running', at: expect.any(Number) },
    ]);
    await c.close();
  });

  it("a region knows its zones; its client token fits EC2's 64 characters", () => {
    const r = new AwsRegion({
      config: resolveAwsConfig({ regions: [REGION] }),
      region: REGION,
      runNonce: 'sk0123456789ab',
      epochMs: 0,
    });
    expect(r.hasZone('eu-west-1a')).toBe(true);
    expect(r.hasZone('eu-west-12')).toBe(false);
    expect(r.hasZone('us-east-1a')).toBe(false);
    expect(r.clientToken('x'.repeat(100))).toHaveLength(64);
    r.close();
  });
});
