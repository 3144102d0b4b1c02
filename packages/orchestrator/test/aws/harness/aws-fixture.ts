/** What the AWS tests share: moto behind the fault proxy, and a provider configuration for it. */

import { readFileSync } from 'node:fs';
import { type AwsConfig, type AwsConfigFile, resolveAwsConfig } from '@synkti/orchestrator';
import { type FaultProxy, type SpotPriceRecord, startFaultProxy } from './fault-proxy.js';
import { type Moto, startMoto } from './moto.js';

/** The spot price fixture (AWS's describe-spot-price-history JSON). */
export function fixturePrices(): SpotPriceRecord[] {
  const file = new URL('../fixtures/spot-prices.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { SpotPriceHistory: SpotPriceRecord[] })
    .SpotPriceHistory;
}

/** moto and the proxy in front of it. */
export interface AwsFixture {
  readonly moto: Moto;
  readonly proxy: FaultProxy;
  /** A configuration whose every region's endpoint is the proxy. */
  config(overrides?: Partial<AwsConfigFile>, regions?: readonly string[]): AwsConfig;
  /** Resets moto and the proxy (between tests). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The AMI moto knows in every region (moto ships a fixed list; this one is in it). */
export const MOTO_AMI = 'ami-03cf127a';

export async function startAwsFixture(): Promise<AwsFixture> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  // The agents' S3 clients read credentials from the environment (on EC2: the instance role).
  process.env['AWS_ACCESS_KEY_ID'] = 'testing';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'testing';
  const moto = await startMoto();
  const proxy = await startFaultProxy(moto.url, fixturePrices());
  return {
    moto,
    proxy,
    config(overrides = {}, regions = ['us-east-1']) {
      return resolveAwsConfig({
        regions: regions.map((region) => ({ region, imageId: MOTO_AMI, endpoint: proxy.url })),
        queueWaitSeconds: 1,
        describeEverySeconds: 1,
        maxAttempts: 3,
        ...overrides,
      });
    },
    async reset() {
      proxy.reset();
      proxy.prices = fixturePrices();
      await moto.reset();
    },
    async close() {
      await proxy.close();
      await moto.stop();
    },
  };
}
