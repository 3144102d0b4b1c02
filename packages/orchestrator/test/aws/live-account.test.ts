/**
 * Against a real AWS account, only with `SYNKTI_AWS_LIVE=1`, credentials in the environment
 * (the SDK's chain) and `SYNKTI_AWS_CONFIG` naming a provider configuration file: what moto
 * cannot prove. It costs a few cents: one spot instance of `SYNKTI_AWS_LIVE_TYPE` (default
 * t3.micro) for about a minute. It checks that setup and teardown work on the real services,
 * that a real spot launch is tagged and described, that the real spot price is read, and that
 * the instance's state change reaches the queue through the rules and the queue policy (which
 * moto does not enforce). The interruption itself is left to AWS FIS
 * (`aws:ec2:send-spot-instance-interruptions`): docs/aws.md says how.
 */

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AwsCloud,
  awsConfigSchema,
  awsSetup,
  awsTeardown,
  LiveStore,
  resolveAwsConfig,
} from '@synkti/orchestrator';
import { resolveScenario } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';

const LIVE = process.env['SYNKTI_AWS_LIVE'] === '1';

describe.skipIf(!LIVE)('a real AWS account (SYNKTI_AWS_LIVE=1)', () => {
  it('sets up, launches a tagged spot instance, hears its state change, terminates, tears down', async () => {
    const file = process.env['SYNKTI_AWS_CONFIG'];
    if (!file) throw new Error('SYNKTI_AWS_CONFIG: the provider configuration file to use');
    // No describe loop: a state seen must have come through EventBridge, the rules and the queue
    // policy.
    const config = resolveAwsConfig({
      ...awsConfigSchema.parse(JSON.parse(readFileSync(file, 'utf8'))),
      describeEverySeconds: 86_400,
    });
    const type = process.env['SYNKTI_AWS_LIVE_TYPE'] ?? 't3.micro';
    await awsSetup(config);
    const store = new LiveStore(mkdtempSync(path.join(tmpdir(), 'synkti-live-aws-')));
    const types = resolveScenario({
      horizonHours: 1,
      instanceTypes: [
        {
          name: type,
          gpuMemoryMb: 1,
          networkGbps: 1,
          onDemandPerHour: 0.0104,
          spotPrice: { kind: 'constant', perHour: 0.004 },
        },
      ],
      workload: { tasks: [] },
    }).instanceTypes;
    const cloud = new AwsCloud({ config, store, types });
    await cloud.start();
    try {
      expect(await cloud.spotPrice(type)).toBeGreaterThan(0);
      const c = await cloud.launch({ type, market: 'spot', jobTag: 'live-test', token: 'live-r0' });
      expect(c.market).toBe('spot');
      const seen = async (state: string) => {
        for (let waited = 0; waited < 300_000; waited += 2000) {
          const got = await cloud.eventsAfter(0);
          if (
            got.some(
              (e) =>
                e.event.kind === 'state' && e.event.instanceId === c.id && e.event.state === state,
            )
          )
            return true;
          await new Promise((r) => setTimeout(r, 2000));
        }
        return false;
      };
      expect(await seen('running')).toBe(true);
      await cloud.terminate(c.id);
      expect(await seen('terminated')).toBe(true);
    } finally {
      await cloud.close();
      store.close();
      await awsTeardown(config);
    }
  }, 900_000);
});
