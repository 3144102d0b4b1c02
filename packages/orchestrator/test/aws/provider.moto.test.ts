/**
 * The AWS provider against moto_server (behind the fault proxy): launch, describe, terminate,
 * spot prices, and the cloud errors, through the real SDK over HTTP.
 */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import {
  AwsCloud,
  CapacityError,
  LiveStore,
  PermanentCloudError,
  TransientCloudError,
} from '@synkti/orchestrator';
import { resolveScenario, type Scenario } from '@synkti/sim-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AwsFixture, startAwsFixture } from './harness/aws-fixture.js';
import { MOTO_CREDENTIALS, motoAvailable } from './harness/moto.js';

const TYPES: Scenario['instanceTypes'] = [
  {
    name: 'p3.2xlarge',
    gpuMemoryMb: 16_000,
    networkGbps: 10,
    onDemandPerHour: 3.06,
    spotPrice: { kind: 'constant', perHour: 0.9 },
  },
  {
    name: 'g5.xlarge',
    gpuMemoryMb: 24_000,
    networkGbps: 10,
    onDemandPerHour: 1.006,
    region: 'us-west-2',
    spotPrice: { kind: 'constant', perHour: 0.45 },
  },
];

function types() {
  return resolveScenario({
    horizonHours: 1,
    instanceTypes: TYPES,
    workload: { tasks: [] },
  }).instanceTypes;
}

describe.skipIf(!motoAvailable())('AwsCloud against moto', () => {
  let aws: AwsFixture;
  let store: LiveStore;
  let cloud: AwsCloud;
  const open = (regions = ['us-east-1', 'us-west-2'], overrides = {}) => {
    store = new LiveStore(mkdtempSync(path.join(tmpdir(), 'synkti-aws-')));
    cloud = new AwsCloud({
      config: aws.config(overrides, regions),
      store,
      types: types(),
      credentials: MOTO_CREDENTIALS,
      retryBaseMs: 1,
    });
    return cloud;
  };

  beforeAll(async () => {
    aws = await startAwsFixture();
  });
  afterAll(async () => {
    await aws?.close();
  });
  beforeEach(async () => {
    await aws.reset();
  });

  it('launches a spot instance in the cheapest zone, tagged, and describes it by tag', async () => {
    open();
    const launched = await cloud.launch({
      type: 'p3.2xlarge',
      market: 'spot',
      jobTag: 'run-1',
      token: 'run-1-r0',
    });
    // The cheapest zone now of every configured region: us-west-2a's 0.799 beats us-east-1b's
    // latest 0.8745 (its older 0.70 is not the price now) and us-east-1a's 0.918.
    expect(launched.zone).toBe('us-west-2a');
    expect(launched.market).toBe('spot');
    expect(launched.token).toBe('run-1-r0');
    expect(launched.jobTag).toBe('run-1');
    const described = await cloud.describe();
    expect(described.map((c) => c.id)).toEqual([launched.id]);
    const raw = await cloud.regions[1]?.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [launched.id] }),
    );
    const inst = raw?.Reservations?.[0]?.Instances?.[0];
    expect(inst?.InstanceLifecycle).toBe('spot');
    expect(inst?.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'synkti:run', Value: cloud.runNonce },
        { Key: 'synkti:token', Value: 'run-1-r0' },
      ]),
    );
    await cloud.close();
    store.close();
  });

  it('routes a type to the region its scenario names, and prices it there', async () => {
    open();
    expect(await cloud.spotPrice('g5.xlarge')).toBe(0.4511); // us-west-2 only, as configured
    const m = await cloud.markets();
    expect(m.get('p3.2xlarge')).toEqual({ spotPerHour: 0.799, spotAvailableAt: 0 });
    expect(await cloud.spotPrice('p3.2xlarge', 'us-east-1a')).toBe(0.918);
    const g5 = await cloud.launch({ type: 'g5.xlarge', market: 'spot', jobTag: 'r', token: 't' });
    expect(g5.zone).toBe('us-west-2b');
    await cloud.close();
    store.close();
  });

  it('caches spot prices for priceCacheSeconds', async () => {
    open(['us-east-1', 'us-west-2'], { priceCacheSeconds: 3600 });
    await cloud.markets();
    const asked = aws.proxy.count('DescribeSpotPriceHistory');
    expect(asked).toBe(3); // p3.2xlarge in two regions, g5.xlarge in its one
    await cloud.spotPrice('p3.2xlarge');
    await cloud.markets();
    expect(aws.proxy.count('DescribeSpotPriceHistory')).toBe(asked);
    await cloud.close();
    store.close();
  });

  it('refuses a type with no spot price, naming it and the regions', async () => {
    open(['us-east-1']);
    aws.proxy.prices = [];
    await expect(cloud.spotPrice('p3.2xlarge')).rejects.toThrow(
      /instance type p3.2xlarge: no spot price in us-east-1 .*is the type offered there\?/,
    );
    await cloud.close();
    store.close();
  });

  it('launches once per token: a repeated launch returns the first instance', async () => {
    open(['us-east-1']);
    const req = { type: 'p3.2xlarge', market: 'spot' as const, jobTag: 'r', token: 'tok-7' };
    const a = await cloud.launch(req);
    const b = await cloud.launch(req);
    expect(b.id).toBe(a.id);
    expect(aws.proxy.count('RunInstances')).toBe(1);
    expect((await cloud.describe()).length).toBe(1);
    await cloud.close();
    store.close();
  });

  it('a launch whose answer was lost is retried by the SDK and launches once (ClientToken)', async () => {
    open(['us-east-1']);
    aws.proxy.inject('RunInstances', 'drop-response');
    const a = await cloud.launch({ type: 'p3.2xlarge', market: 'spot', jobTag: 'r', token: 'x' });
    expect(aws.proxy.count('RunInstances')).toBe(2);
    expect((await cloud.describe()).map((c) => c.id)).toEqual([a.id]);
    await cloud.close();
    store.close();
  });

  it('a dropped connection before moto saw it is retried', async () => {
    open(['us-east-1']);
    aws.proxy.inject('DescribeInstances', 'drop');
    expect(await cloud.describe()).toEqual([]);
    expect(aws.proxy.count('DescribeInstances')).toBe(2);
    await cloud.close();
    store.close();
  });

  it('launches on demand without market options', async () => {
    open(['us-east-1']);
    const c = await cloud.launch({
      type: 'p3.2xlarge',
      market: 'on-demand',
      jobTag: 'r',
      token: 'od',
    });
    expect(c.market).toBe('on-demand');
    await cloud.close();
    store.close();
  });

  it('maps InsufficientInstanceCapacity to a CapacityError', async () => {
    open(['us-east-1']);
    aws.proxy.inject('RunInstances', 'capacity', 10);
    const e = await cloud
      .launch({ type: 'p3.2xlarge', market: 'spot', jobTag: 'r', token: 'c' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CapacityError);
    expect((e as CapacityError).availableAt).toBeUndefined();
    expect((e as Error).message).toMatch(
      /us-east-1 ec2:RunInstances: InsufficientInstanceCapacity/,
    );
    await cloud.close();
    store.close();
  });

  it('retries throttling with backoff, and gives up after maxAttempts as transient', async () => {
    open(['us-east-1']);
    aws.proxy.inject('RunInstances', 'throttle', 2);
    const c = await cloud.launch({ type: 'p3.2xlarge', market: 'spot', jobTag: 'r', token: 'th' });
    expect(aws.proxy.count('RunInstances')).toBe(3);
    aws.proxy.inject('TerminateInstances', 'throttle', 3);
    const e = await cloud.terminate(c.id).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TransientCloudError);
    expect((e as Error).message).toMatch(
      /RequestLimitExceeded: Request limit exceeded\. \(after 3 attempts\)/,
    );
    await cloud.close();
    store.close();
  });

  it('fails fast on auth errors, with what to check', async () => {
    open(['us-east-1']);
    aws.proxy.inject('RunInstances', 'auth');
    const e = await cloud
      .launch({ type: 'p3.2xlarge', market: 'spot', jobTag: 'r', token: 'a' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PermanentCloudError);
    expect((e as Error).message).toMatch(
      /AuthFailure: AWS was not able to validate.*IAM policy allows ec2:RunInstances/,
    );
    expect(aws.proxy.count('RunInstances')).toBe(1);
    await cloud.close();
    store.close();
  });

  it('terminates idempotently: twice, and an unknown instance', async () => {
    open(['us-east-1']);
    const c = await cloud.launch({ type: 'p3.2xlarge', market: 'spot', jobTag: 'r', token: 't' });
    await cloud.terminate(c.id);
    await cloud.terminate(c.id);
    await cloud.terminate('i-0123456789abcdef0');
    const [d] = await cloud.describe();
    expect(d?.state).toBe('terminated');
    await cloud.close();
    store.close();
  });

  it('keeps the run nonce and time 0 in the store: a reopened cloud sees the same instances', async () => {
    open(['us-east-1']);
    const c = await cloud.launch({ type: 'p3.2xlarge', market: 'spot', jobTag: 'r', token: 't' });
    await cloud.close();
    const again = new AwsCloud({
      config: aws.config({}, ['us-east-1']),
      store,
      types: types(),
      credentials: MOTO_CREDENTIALS,
    });
    expect(again.runNonce).toBe(cloud.runNonce);
    expect(again.epochMs).toBe(cloud.epochMs);
    expect((await again.describe()).map((x) => x.id)).toEqual([c.id]);
    // …and a repeated launch of the same token after the restart returns it.
    const same = await again.launch({
      type: 'p3.2xlarge',
      market: 'spot',
      jobTag: 'r',
      token: 't',
    });
    expect(same.id).toBe(c.id);
    await again.close();
    store.close();
  });

  it('estimates the bill from the store: billed seconds at the launch price', async () => {
    open(['us-east-1']);
    store.requestInstance('t', 'p3.2xlarge', 'spot', 0);
    const c = await cloud.launch({ type: 'p3.2xlarge', market: 'spot', jobTag: 'r', token: 't' });
    store.transitionInstance('t', 'BOOTING', 'launched', 0, { cloud_id: c.id, launched_at: 0 });
    store.transitionInstance('t', 'RUNNING', 'running', 0);
    store.transitionInstance('t', 'TERMINATED', 'released', 30, { ended_at: 30 });
    const bill = await cloud.ledgerCostUsd(3600);
    // 30 s held bills AWS's 60 s minimum, at us-east-1b's 0.8745 $/hour.
    expect(bill.spotUsd).toBeCloseTo((60 * 0.8745) / 3600, 12);
    expect(bill.onDemandUsd).toBe(0);
    await cloud.close();
    store.close();
  });
});
