/**
 * One region's EC2 behind {@link CloudProvider} (live.md, AwsSpotProvider): launch spot or
 * on-demand, terminate, describe by tag, and spot prices. {@link AwsCloud} puts the configured
 * regions together.
 *
 * - **Launch**: `RunInstances` with `InstanceMarketOptions` (spot, one-time, terminate on
 *   interruption), `ClientToken` = the run's nonce and the orchestrator's idempotency token, and
 *   tags naming the run, the job tag and the token. AWS returns the first launch for a repeated
 *   token; a token whose instance is already described is returned without a call at all (so a
 *   restarted orchestrator never launches twice, even against an emulator that ignores
 *   ClientToken). IMDSv2 is required on the instance (`HttpTokens: required`).
 * - **Terminate** is idempotent: an instance that is gone or unknown is not an error.
 * - **Describe** lists the run's instances by its tag, terminated ones too (EC2 lists them for
 *   about an hour).
 * - **Spot price**: `DescribeSpotPriceHistory` from now, the latest price per zone, cached for
 *   `priceCacheSeconds`; without a zone, the cheapest zone's.
 *
 * Times are seconds since the run's time 0 (`epochMs`), as every provider's are.
 */

import {
  type _InstanceType,
  EC2Client,
  type Instance,
  paginateDescribeInstances,
  paginateDescribeSpotPriceHistory,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Market } from '@synkti/sim-core';
import {
  type AgentEndpoint,
  type CloudInstance,
  type CloudInstanceState,
  type CloudLaunchRequest,
  PermanentCloudError,
} from '../cloud/provider.js';
import type { AwsConfig, AwsRegionConfig } from './config.js';
import { awsCode, cloudError, retryStrategy } from './errors.js';

/** The tags Synkti puts on what it launches. */
export const TAG = {
  run: 'synkti:run',
  job: 'synkti:job',
  token: 'synkti:token',
  market: 'synkti:market',
} as const;

/** How a region's instances' agents are reached. */
export type AgentLocator = (
  instance: Instance,
  token: string,
) => AgentEndpoint | 'starting' | undefined;

/** What a region's provider needs beyond the configuration. */
export interface AwsRegionOptions {
  readonly config: AwsConfig;
  readonly region: AwsRegionConfig;
  /** The run's nonce: tags its instances and prefixes its client tokens. */
  readonly runNonce: string;
  /** Wall time of the run's time 0, ms since the epoch. */
  readonly epochMs: number;
  /** The instance's user data (e.g. the script that starts its agent), by token. */
  readonly userData?: (token: string) => string | undefined;
  /** Where an instance's agent answers; default: none (no agents). */
  readonly agents?: AgentLocator;
  /** Credentials (default: the SDK's chain: environment, profile, instance role). */
  readonly credentials?: AwsCredentialIdentity;
  /** First backoff ceiling of retries, ms (tests shorten it). */
  readonly retryBaseMs?: number;
  /** Wall clock, ms since the epoch (tests). */
  readonly nowMs?: () => number;
}

/** EC2's state names as the provider's (a stopped spot instance is as good as gone). */
function stateOf(name: string | undefined): CloudInstanceState {
  switch (name) {
    case 'pending':
    case 'running':
    case 'shutting-down':
    case 'terminated':
      return name;
    case 'stopping':
      return 'shutting-down';
    default:
      return 'terminated';
  }
}

function tag(i: Instance, key: string): string | undefined {
  return i.Tags?.find((t) => t.Key === key)?.Value;
}

/** The SDK client settings a region's clients share. */
export function clientSettings(o: {
  readonly config: AwsConfig;
  readonly region: string;
  readonly endpoint?: string | undefined;
  readonly credentials?: AwsCredentialIdentity | undefined;
  readonly retryBaseMs?: number | undefined;
}) {
  return {
    region: o.region,
    retryStrategy: retryStrategy(o.config.maxAttempts, o.retryBaseMs),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
  };
}

/** See the file comment. */
export class AwsRegion {
  readonly ec2: EC2Client;
  readonly name: string;
  readonly #prices = new Map<
    string,
    { readonly atMs: number; readonly byZone: Map<string, number> }
  >();

  constructor(readonly options: AwsRegionOptions) {
    this.name = options.region.region;
    this.ec2 = new EC2Client(
      clientSettings({
        config: options.config,
        region: this.name,
        endpoint: options.region.endpoint,
        credentials: options.credentials,
        retryBaseMs: options.retryBaseMs,
      }),
    );
  }

  #now(): number {
    return this.options.nowMs?.() ?? Date.now();
  }

  /** Seconds since the run's time 0. */
  #seconds(d: Date | undefined): number {
    return d === undefined ? 0 : (d.getTime() - this.options.epochMs) / 1000;
  }

  /** Whether `zone` is one of this region's (`us-east-1a` is `us-east-1`'s). */
  hasZone(zone: string): boolean {
    return zone.startsWith(this.name) && /^[a-z]$/.test(zone.slice(this.name.length));
  }

  /** The client token of a request: unique to this run (≤ 64 ASCII characters, as EC2 wants). */
  clientToken(token: string): string {
    return `${this.options.runNonce}-${token}`.slice(0, 64);
  }

  /** An EC2 instance as the provider describes it. */
  toCloud(i: Instance): CloudInstance {
    const token = tag(i, TAG.token) ?? '';
    const state = stateOf(i.State?.Name);
    const agent = state === 'terminated' ? undefined : this.options.agents?.(i, token);
    const launchedAt = this.#seconds(i.LaunchTime);
    return {
      id: i.InstanceId as string,
      type: i.InstanceType as string,
      market: (i.InstanceLifecycle === 'spot' ? 'spot' : 'on-demand') as Market,
      zone: i.Placement?.AvailabilityZone,
      state,
      launchedAt,
      readyAt: launchedAt,
      jobTag: tag(i, TAG.job) ?? '',
      token,
      ...(agent !== undefined ? { agent } : {}),
    };
  }

  #request(req: CloudLaunchRequest): RunInstancesCommandInput {
    const r = this.options.region;
    const userData = this.options.userData?.(req.token);
    const subnet = req.zone === undefined ? undefined : r.subnets?.[req.zone];
    return {
      MinCount: 1,
      MaxCount: 1,
      InstanceType: req.type as _InstanceType,
      ClientToken: this.clientToken(req.token),
      ...(r.imageId ? { ImageId: r.imageId } : {}),
      ...(r.launchTemplate
        ? {
            LaunchTemplate: {
              ...(r.launchTemplate.id ? { LaunchTemplateId: r.launchTemplate.id } : {}),
              ...(r.launchTemplate.name ? { LaunchTemplateName: r.launchTemplate.name } : {}),
              ...(r.launchTemplate.version ? { Version: r.launchTemplate.version } : {}),
            },
          }
        : {}),
      ...(req.market === 'spot'
        ? {
            InstanceMarketOptions: {
              MarketType: 'spot',
              SpotOptions: {
                SpotInstanceType: 'one-time',
                InstanceInterruptionBehavior: 'terminate',
              },
            },
          }
        : {}),
      ...(req.zone ? { Placement: { AvailabilityZone: req.zone } } : {}),
      ...(subnet ? { SubnetId: subnet } : {}),
      ...(r.securityGroupIds ? { SecurityGroupIds: [...r.securityGroupIds] } : {}),
      ...(r.keyName ? { KeyName: r.keyName } : {}),
      ...(r.instanceProfile
        ? {
            IamInstanceProfile: r.instanceProfile.startsWith('arn:')
              ? { Arn: r.instanceProfile }
              : { Name: r.instanceProfile },
          }
        : {}),
      ...(userData ? { UserData: Buffer.from(userData).toString('base64') } : {}),
      MetadataOptions: {
        HttpTokens: 'required',
        HttpEndpoint: 'enabled',
        HttpPutResponseHopLimit: 1,
      },
      TagSpecifications: [
        {
          ResourceType: 'instance',
          Tags: [
            { Key: TAG.run, Value: this.options.runNonce },
            { Key: TAG.job, Value: req.jobTag },
            { Key: TAG.token, Value: req.token },
            { Key: TAG.market, Value: req.market },
          ],
        },
      ],
    };
  }

  /** @throws CapacityError, TransientCloudError or PermanentCloudError. */
  async launch(req: CloudLaunchRequest): Promise<CloudInstance> {
    const known = (await this.#described([{ Name: `tag:${TAG.token}`, Values: [req.token] }]))[0];
    if (known !== undefined) return this.toCloud(known);
    try {
      const out = await this.ec2.send(new RunInstancesCommand(this.#request(req)));
      const i = out.Instances?.[0];
      if (i?.InstanceId === undefined) {
        throw new PermanentCloudError(`${this.name} RunInstances: the answer names no instance`);
      }
      return this.toCloud(i);
    } catch (error) {
      throw cloudError(error, 'ec2:RunInstances', this.name);
    }
  }

  /** Idempotent: an instance gone or unknown is not an error. */
  async terminate(instanceId: string): Promise<void> {
    try {
      await this.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] }));
    } catch (error) {
      if (/^InvalidInstanceID\.(NotFound|Malformed)$/.test(awsCode(error))) return;
      throw cloudError(error, 'ec2:TerminateInstances', this.name);
    }
  }

  async #described(filters: { Name: string; Values: string[] }[]): Promise<Instance[]> {
    const out: Instance[] = [];
    try {
      for await (const page of paginateDescribeInstances(
        { client: this.ec2 },
        { Filters: [{ Name: `tag:${TAG.run}`, Values: [this.options.runNonce] }, ...filters] },
      )) {
        for (const r of page.Reservations ?? []) out.push(...(r.Instances ?? []));
      }
    } catch (error) {
      throw cloudError(error, 'ec2:DescribeInstances', this.name);
    }
    return out;
  }

  /** The run's instances in this region, terminated ones too. */
  async describe(): Promise<CloudInstance[]> {
    return (await this.#described([])).map((i) => this.toCloud(i));
  }

  /**
   * The latest spot price of `type` in each of this region's zones, $/hour (cached); empty when
   * the region has none for it.
   */
  async spotPrices(type: string): Promise<ReadonlyMap<string, number>> {
    const cached = this.#prices.get(type);
    const now = this.#now();
    if (cached && now - cached.atMs < this.options.config.priceCacheSeconds * 1000) {
      return cached.byZone;
    }
    const latest = new Map<string, { at: number; usd: number }>();
    try {
      for await (const page of paginateDescribeSpotPriceHistory(
        { client: this.ec2 },
        {
          InstanceTypes: [type as _InstanceType],
          ProductDescriptions: [this.options.config.productDescription],
          StartTime: new Date(now),
        },
      )) {
        for (const p of page.SpotPriceHistory ?? []) {
          const zone = p.AvailabilityZone;
          const usd = Number(p.SpotPrice);
          const at = p.Timestamp?.getTime() ?? 0;
          if (zone === undefined || !Number.isFinite(usd) || usd <= 0) continue;
          const had = latest.get(zone);
          if (had === undefined || at > had.at) latest.set(zone, { at, usd });
        }
      }
    } catch (error) {
      throw cloudError(error, 'ec2:DescribeSpotPriceHistory', this.name);
    }
    const byZone = new Map([...latest].map(([z, v]) => [z, v.usd]));
    this.#prices.set(type, { atMs: now, byZone });
    return byZone;
  }

  /** Releases the region's clients. */
  close(): void {
    this.ec2.destroy();
  }
}
