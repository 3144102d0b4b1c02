/**
 * `AwsCloud`: the configured regions of EC2 as one {@link CloudProvider} and {@link CloudDriver}
 * (live.md, AwsSpotProvider). One {@link AwsRegion} per region; the policy sees, for each
 * instance type, the cheapest spot price among the regions (and zones) the type may use — its
 * scenario `zone` or `region` when it names one, else every configured region — and a launch
 * goes where that price is.
 *
 * Time is the wall's, at speed 1: seconds since the run's time 0, which is kept in the store
 * with the run's nonce (the tag of its instances, the prefix of its client tokens), so a
 * restarted orchestrator continues the same run.
 *
 * Events: each region's queue is long-polled in the background into the store's inbox
 * (aws/events.ts); every `describeEverySeconds` the run's instances are described, and a state
 * EventBridge did not report (its state-change events are best effort) is added to the inbox
 * too, as a `state` event at the time it was seen. The driver reads the inbox by sequence
 * number. A permanent error in either loop (credentials, a missing queue) stops the run at the
 * driver's next read, with AWS's message.
 *
 * Cost: AWS's bill is the truth. The run's summary estimates it: each instance's billed seconds
 * (the type's billing: AWS's is per second, 60 s minimum) at its on-demand price or at the spot price when it was read.
 */

import { randomBytes } from 'node:crypto';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AwsCredentialIdentity } from '@smithy/types';
import { billedSeconds, type ResolvedInstanceType } from '@synkti/sim-core';
import type { LedgerCost } from '../cloud/emulated-cloud.js';
import {
  type CloudDriver,
  CloudError,
  type CloudInstance,
  type CloudLaunchRequest,
  type CloudProvider,
  type LoggedCloudEvent,
  PermanentCloudError,
  type SpotMarketSnapshot,
} from '../cloud/provider.js';
import type { OrchestratorOptions } from '../core/orchestrator.js';
import { CloudInbox } from '../store/inbox.js';
import type { LiveStore } from '../store/store.js';
import type { AwsConfig } from './config.js';
import { cloudError } from './errors.js';
import { receiveOnce } from './events.js';
import { type AgentLocator, AwsRegion, clientSettings } from './region.js';

/** Store keys of the run's nonce and time 0. */
export const AWS_META = { nonce: 'aws-run-nonce', epochMs: 'aws-epoch-ms' } as const;

/** The queue `synkti aws setup` creates in each region. */
export function queueName(config: AwsConfig): string {
  return `${config.namePrefix}-events`;
}

/** What an AWS cloud needs. */
export interface AwsCloudOptions {
  readonly config: AwsConfig;
  /** The run's store: its nonce and time 0, and the inbox. */
  readonly store: LiveStore;
  /** The scenario's instance types (their names, zones or regions, on-demand prices, billing). */
  readonly types: readonly ResolvedInstanceType[];
  readonly agents?: AgentLocator;
  readonly userData?: (token: string) => string | undefined;
  readonly credentials?: AwsCredentialIdentity;
  /** First backoff ceiling of retries, ms (tests shorten it). */
  readonly retryBaseMs?: number;
  /**
   * Wall ms to wait after a failed receive before the next, and between receives of an empty
   * queue without long polling (`queueWaitSeconds` 0). Default 1000.
   */
  readonly receiveRetryMs?: number;
}

/** See the file comment. */
export class AwsCloud implements CloudProvider, CloudDriver {
  readonly clockKind = 'scaled' as const;
  readonly regions: readonly AwsRegion[];
  readonly inbox: CloudInbox;
  readonly runNonce: string;
  readonly epochMs: number;
  readonly #sqs = new Map<string, SQSClient>();
  readonly #regionOf = new Map<string, AwsRegion>();
  readonly #types: ReadonlyMap<string, ResolvedInstanceType>;
  /** The spot price each instance was launched at, $/hour, by token. */
  readonly #launchPrice = new Map<string, number>();
  /** The last state seen of each instance (the describe loop). */
  readonly #seen = new Map<string, string>();
  #stopped = new AbortController();
  #loops: Promise<void>[] = [];
  #failure: Error | undefined;

  constructor(readonly options: AwsCloudOptions) {
    const { store, config } = options;
    this.inbox = new CloudInbox(store);
    let nonce = store.getMeta(AWS_META.nonce);
    let epoch = store.getMeta(AWS_META.epochMs);
    if (nonce === undefined || epoch === undefined) {
      nonce = `sk${randomBytes(6).toString('hex')}`;
      epoch = String(Date.now());
      store.transaction(() => {
        store.setMeta(AWS_META.nonce, nonce as string);
        store.setMeta(AWS_META.epochMs, epoch as string);
      });
    }
    this.runNonce = nonce;
    this.epochMs = Number(epoch);
    this.#types = new Map(options.types.map((t) => [t.name, t]));
    this.regions = config.regions.map(
      (region) =>
        new AwsRegion({
          config,
          region,
          runNonce: this.runNonce,
          epochMs: this.epochMs,
          ...(options.agents ? { agents: options.agents } : {}),
          ...(options.userData ? { userData: options.userData } : {}),
          ...(options.credentials ? { credentials: options.credentials } : {}),
          ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
        }),
    );
    for (const r of this.regions) {
      this.#sqs.set(
        r.name,
        new SQSClient(
          clientSettings({
            config,
            region: r.name,
            endpoint: r.options.region.endpoint,
            credentials: options.credentials,
            retryBaseMs: options.retryBaseMs,
          }),
        ),
      );
    }
  }

  /**
   * Where this run's checkpoints go on S3 (the orchestrator's `s3Checkpoints`): the configured
   * bucket, under its prefix and the run's nonce; undefined when no bucket is configured.
   */
  get s3Checkpoints(): OrchestratorOptions['s3Checkpoints'] {
    const c = this.options.config.checkpoints;
    if (c === undefined) return undefined;
    const regions = this.options.config.regions;
    const endpoint = (regions.find((r) => r.region === c.region) ?? regions[0])?.endpoint;
    return {
      bucket: c.bucket,
      region: c.region,
      prefix: `${c.prefix}${this.runNonce}/`,
      ...(endpoint ? { endpoint } : {}),
    };
  }

  // ---- the clock and the event log (CloudDriver) ---------------------------------------------

  async now(): Promise<number> {
    return (Date.now() - this.epochMs) / 1000;
  }

  /** A real cloud schedules nothing the driver could move to. */
  async nextEventAt(): Promise<number | undefined> {
    return undefined;
  }

  async advanceTo(): Promise<void> {
    throw new Error('AWS runs on the wall clock: time cannot be moved');
  }

  async eventsAfter(seq: number): Promise<LoggedCloudEvent[]> {
    if (this.#failure) throw this.#failure;
    return this.inbox.after(seq);
  }

  /** Starts reading each region's queue and describing its instances (see the file comment). */
  async start(): Promise<void> {
    const { config } = this.options;
    for (const r of this.regions) {
      const sqs = this.#sqs.get(r.name) as SQSClient;
      let queueUrl: string;
      try {
        queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: queueName(config) })))
          .QueueUrl as string;
      } catch (error) {
        const e = cloudError(error, 'sqs:GetQueueUrl', r.name);
        if (e instanceof PermanentCloudError) {
          throw new PermanentCloudError(`${e.message}; has "synkti aws setup" been run?`);
        }
        throw e;
      }
      this.#loops.push(this.#receiving(r, sqs, queueUrl));
    }
    this.#loops.push(this.#describing());
  }

  async #receiving(r: AwsRegion, sqs: SQSClient, queueUrl: string): Promise<void> {
    const signal = this.#stopped.signal;
    while (!signal.aborted) {
      try {
        const got = await receiveOnce({
          sqs,
          queueUrl,
          inbox: this.inbox,
          epochMs: this.epochMs,
          noticeSeconds: this.options.config.noticeSeconds,
          waitSeconds: this.options.config.queueWaitSeconds,
          region: r.name,
          abortSignal: signal,
        });
        // Without long polling an empty queue answers at once: do not spin on it.
        const idle = got.events + got.dead + got.duplicates === 0;
        if (idle && this.options.config.queueWaitSeconds === 0) await this.#pause(this.#retryMs);
        else await new Promise((r) => setImmediate(r));
      } catch (error) {
        if (signal.aborted) return;
        if (this.#fatal(error)) return;
        await this.#pause(this.#retryMs);
      }
    }
  }

  async #describing(): Promise<void> {
    const signal = this.#stopped.signal;
    while (!signal.aborted) {
      await this.#pause(this.options.config.describeEverySeconds * 1000);
      if (signal.aborted) return;
      try {
        await this.describe();
      } catch (error) {
        if (this.#fatal(error)) return;
      }
    }
  }

  get #retryMs(): number {
    return this.options.receiveRetryMs ?? 1000;
  }

  /** Records a permanent failure of a background loop (the driver's next read throws it). */
  #fatal(error: unknown): boolean {
    if (error instanceof CloudError && error.kind !== 'permanent') return false;
    this.#failure ??= error instanceof Error ? error : new Error(String(error));
    return true;
  }

  #pause(ms: number): Promise<void> {
    const signal = this.#stopped.signal;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Stops the loops and releases the clients. */
  async close(): Promise<void> {
    this.#stopped.abort();
    await Promise.allSettled(this.#loops);
    this.#loops = [];
    this.#stopped = new AbortController();
    for (const r of this.regions) r.close();
    for (const s of this.#sqs.values()) s.destroy();
  }

  // ---- the provider --------------------------------------------------------------------------

  /** The regions a type may launch in, and the zone when its scenario pins one. */
  #placesOf(type: string): { regions: AwsRegion[]; zone: string | undefined } {
    const t = this.#types.get(type);
    if (t?.zone !== undefined) {
      return { regions: this.regions.filter((r) => r.hasZone(t.zone as string)), zone: t.zone };
    }
    if (t?.region !== undefined) {
      return { regions: this.regions.filter((r) => r.name === t.region), zone: undefined };
    }
    return { regions: [...this.regions], zone: undefined };
  }

  /** The cheapest spot offer of `type`: region, zone, $/hour; undefined when there is none. */
  async #cheapest(
    type: string,
    zone?: string,
  ): Promise<{ region: AwsRegion; zone: string; usd: number } | undefined> {
    const places = this.#placesOf(type);
    const wanted = zone ?? places.zone;
    let best: { region: AwsRegion; zone: string; usd: number } | undefined;
    for (const region of places.regions) {
      for (const [z, usd] of await region.spotPrices(type)) {
        if (wanted !== undefined && z !== wanted) continue;
        if (best === undefined || usd < best.usd) best = { region, zone: z, usd };
      }
    }
    return best;
  }

  async launch(req: CloudLaunchRequest): Promise<CloudInstance> {
    let region: AwsRegion | undefined;
    let zone = req.zone ?? this.#placesOf(req.type).zone;
    if (req.market === 'spot') {
      const offer = await this.#cheapest(req.type, zone);
      if (offer === undefined) throw this.#noPrice(req.type);
      region = offer.region;
      zone = offer.zone;
      this.#launchPrice.set(req.token, offer.usd);
    } else {
      region = zone
        ? this.regions.find((r) => r.hasZone(zone as string))
        : this.#placesOf(req.type).regions[0];
    }
    if (region === undefined) {
      throw new PermanentCloudError(
        `instance type ${req.type}: none of the configured regions (${this.regions.map((r) => r.name).join(', ')}) may launch it`,
      );
    }
    const launched = await region.launch({ ...req, ...(zone ? { zone } : {}) });
    this.#regionOf.set(launched.id, region);
    return launched;
  }

  async terminate(instanceId: string): Promise<void> {
    let region = this.#regionOf.get(instanceId);
    if (region === undefined) {
      await this.describe();
      region = this.#regionOf.get(instanceId);
    }
    if (region !== undefined) await region.terminate(instanceId);
  }

  async describe(): Promise<CloudInstance[]> {
    const all: CloudInstance[] = [];
    const seenAt = await this.now();
    for (const r of this.regions) {
      for (const c of await r.describe()) {
        this.#regionOf.set(c.id, r);
        all.push(c);
        if (this.#seen.get(c.id) !== c.state) {
          this.#seen.set(c.id, c.state);
          this.inbox.add(`describe:${c.id}:${c.state}`, {
            kind: 'state',
            instanceId: c.id,
            state: c.state,
            at: seenAt,
          });
        }
      }
    }
    return all;
  }

  #noPrice(type: string): PermanentCloudError {
    return new PermanentCloudError(
      `instance type ${type}: no spot price in ${
        this.#placesOf(type)
          .regions.map((r) => r.name)
          .join(', ') || 'any configured region'
      } ` +
        `(DescribeSpotPriceHistory, "${this.options.config.productDescription}"): is the type offered there?`,
    );
  }

  async spotPrice(type: string, zone?: string): Promise<number> {
    const offer = await this.#cheapest(type, zone);
    if (offer === undefined) throw this.#noPrice(type);
    return offer.usd;
  }

  /** Every type's cheapest spot price; capacity is unknown until a launch finds out (0). */
  async markets(): Promise<ReadonlyMap<string, SpotMarketSnapshot>> {
    const out = new Map<string, SpotMarketSnapshot>();
    for (const type of this.#types.keys()) {
      out.set(type, { spotPerHour: await this.spotPrice(type), spotAvailableAt: 0 });
    }
    return out;
  }

  /** The estimated bill up to `untilSeconds` (see the file comment), from the store's instances. */
  async ledgerCostUsd(untilSeconds: number): Promise<LedgerCost> {
    let spotUsd = 0;
    let onDemandUsd = 0;
    const byToken: Record<string, number> = {};
    for (const row of this.options.store.instances()) {
      if (row.launched_at === null) continue;
      const type = this.#types.get(row.type);
      if (type === undefined) continue;
      const end = row.ended_at ?? Math.max(untilSeconds, row.launched_at);
      const held = billedSeconds(end - row.launched_at, type.billing);
      const perHour =
        row.market === 'spot'
          ? (this.#launchPrice.get(row.token) ?? (await this.spotPrice(row.type)))
          : type.onDemandPerHour;
      const usd = (held * perHour) / 3600;
      byToken[row.token] = usd;
      if (row.market === 'spot') spotUsd += usd;
      else onDemandUsd += usd;
    }
    return { spotUsd, onDemandUsd, byToken };
  }
}
