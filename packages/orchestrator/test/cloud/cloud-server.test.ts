import type { Scenario } from '@synkti/sim-core';
import { afterAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../src/clock.js';
import { startCloudServer } from '../../src/cloud/cloud-server.js';
import { EmulatedCloud } from '../../src/cloud/emulated-cloud.js';
import { HttpCloud } from '../../src/cloud/http-cloud.js';
import { CapacityError, PermanentCloudError } from '../../src/cloud/provider.js';

const EPOCH_MS = Date.UTC(2026, 0, 1);
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
      preemption: { kind: 'poisson', ratePerHour: 3 },
    },
    {
      name: 'scarce',
      gpuMemoryMb: 16_000,
      networkGbps: 10,
      onDemandPerHour: 3,
      spotPrice: { kind: 'constant', perHour: 1 },
      preemption: {
        kind: 'trace',
        trace: {
          gapSeconds: 600,
          capacity: Int32Array.from({ length: 62 }, (_, k) => (k < 3 ? 0 : 1)),
        },
      },
    },
  ],
  workload: { tasks: [] },
};

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

async function serve() {
  const cloud = new EmulatedCloud(scenario, 5, new VirtualClock());
  const server = await startCloudServer(cloud, { secret: 's3cret', epochMs: EPOCH_MS });
  closers.push(server.close);
  return { cloud, server, client: new HttpCloud(server.url, 's3cret') };
}

describe('the emulated cloud over HTTP', () => {
  it('reports a spot market that never returns as never (Infinity), in markets and refusals', async () => {
    const never: Scenario = {
      ...scenario,
      // The scarce type, with no capacity ever.
      instanceTypes: [
        {
          ...(scenario.instanceTypes[1] as Scenario['instanceTypes'][number]),
          name: 'gone',
          preemption: {
            kind: 'trace',
            trace: { gapSeconds: 600, capacity: Int32Array.from({ length: 62 }, () => 0) },
          },
        },
      ],
    };
    const cloud = new EmulatedCloud(never, 5, new VirtualClock());
    const server = await startCloudServer(cloud, { secret: 's3cret', epochMs: EPOCH_MS });
    closers.push(server.close);
    expect(cloud.marketsNow().get('gone')?.spotAvailableAt).toBe(Number.POSITIVE_INFINITY);
    const client = new HttpCloud(server.url, 's3cret');
    expect((await client.markets()).get('gone')).toEqual({
      spotPerHour: 1,
      spotAvailableAt: Number.POSITIVE_INFINITY,
    });
    // A launch refused for good says so too: never, not unknown.
    const refused = await client
      .launch({ type: 'gone', market: 'spot', jobTag: 'r', token: 'x' })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CapacityError);
    expect((refused as CapacityError).availableAt).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses a request without the cloud secret (401)', async () => {
    const { server, client } = await serve();
    expect((await fetch(`${server.url}/describe`)).status).toBe(401);
    await expect(new HttpCloud(server.url, 'wrong').describe()).rejects.toThrow(
      PermanentCloudError,
    );
    expect(await client.describe()).toEqual([]);
  });

  it('maps a capacity refusal back to a typed CapacityError with when capacity returns', async () => {
    const { client } = await serve();
    const error = await client
      .launch({ type: 'scarce', market: 'spot', jobTag: 'r', token: 't' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CapacityError);
    expect((error as CapacityError).availableAt).toBe(1800);
  });

  it('serves each instance an IMDSv2 endpoint: token first, the notice when it comes', async () => {
    const { cloud, client } = await serve();
    const inst = await client.launch({ type: 'gpu', market: 'spot', jobTag: 'r', token: 't' });
    const base = inst.imdsUrl as string;
    expect(base).toMatch(/\/imds\/i-000000\/[0-9a-f]{64}$/);
    const action = `${base}/latest/meta-data/spot/instance-action`;
    // IMDSv1 (no token) is refused; a TTL out of range too.
    expect((await fetch(action)).status).toBe(401);
    const put = (ttl: string) =>
      fetch(`${base}/latest/api/token`, {
        method: 'PUT',
        headers: { 'x-aws-ec2-metadata-token-ttl-seconds': ttl },
      });
    expect((await put('0')).status).toBe(400);
    expect((await put('21601')).status).toBe(400);
    const token = await (await put('21600')).text();
    const get = (url: string) => fetch(url, { headers: { 'x-aws-ec2-metadata-token': token } });
    expect(await (await get(`${base}/latest/meta-data/instance-id`)).text()).toBe(inst.id);
    expect((await get(action)).status).toBe(404);
    // Another instance's id under this URL's secret is not found.
    expect((await get(action.replace('i-000000', 'i-000001'))).status).toBe(404);
    // Run the cloud to the notice.
    while ((await client.eventsAfter(0)).every((e) => e.event.kind !== 'interruption-warning')) {
      await client.advanceTo((await client.nextEventAt()) as number);
    }
    const notice = cloud.entry(inst.id)?.noticedAt as number;
    const res = await get(action);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      action: 'terminate',
      time: new Date(EPOCH_MS + (notice + 120) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    expect((await get(`${base}/latest/meta-data/events/recommendations/rebalance`)).status).toBe(
      404,
    );
  });
});
