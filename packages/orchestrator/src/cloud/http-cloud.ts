/**
 * The client of a cloud served by `synkti cloud` (cloud-server.ts): a {@link CloudProvider} and
 * {@link CloudDriver} over HTTP. Status codes map back to typed errors: 409 capacity, 400 or 401
 * permanent, anything else (and a connection that fails) transient, which the orchestrator
 * retries with backoff.
 */

import type { LedgerCost } from './emulated-cloud.js';
import {
  CapacityError,
  type CloudDriver,
  type CloudInstance,
  type CloudLaunchRequest,
  type CloudProvider,
  type LoggedCloudEvent,
  PermanentCloudError,
  type SpotMarketSnapshot,
  TransientCloudError,
} from './provider.js';

/** An instance in the served ledger. */
export interface ServedLedgerEntry {
  readonly id: string;
  readonly token: string;
  readonly type: string;
  readonly market: 'spot' | 'on-demand';
  readonly launchedAt: number;
  readonly endedAt: number | null;
}

/** See the file comment. */
export class HttpCloud implements CloudProvider, CloudDriver {
  clockKind: 'virtual' | 'scaled' = 'virtual';

  constructor(
    readonly url: string,
    readonly secret: string,
  ) {}

  async #call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.secret}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new TransientCloudError(`${method} ${this.url}${path}: ${(error as Error).message}`);
    }
    if (res.status === 204) return undefined as T;
    const doc = (await res.json()) as { message?: string; availableAt?: number | null };
    if (res.ok) return doc as T;
    const message = `${method} ${path}: ${doc.message ?? res.statusText}`;
    if (res.status === 409) {
      const at = doc.availableAt;
      throw new CapacityError(message, at === undefined ? undefined : timeOrNever(at));
    }
    if (res.status === 400 || res.status === 401) throw new PermanentCloudError(message);
    throw new TransientCloudError(message);
  }

  launch(req: CloudLaunchRequest): Promise<CloudInstance> {
    return this.#call('POST', '/launch', req);
  }
  terminate(instanceId: string): Promise<void> {
    return this.#call('POST', '/terminate', { instanceId });
  }
  describe(): Promise<CloudInstance[]> {
    return this.#call('GET', '/describe');
  }
  async spotPrice(type: string): Promise<number> {
    const m = (await this.markets()).get(type);
    if (m === undefined) throw new PermanentCloudError(`unknown instance type "${type}"`);
    return m.spotPerHour;
  }
  async markets(): Promise<ReadonlyMap<string, SpotMarketSnapshot>> {
    type Served = Omit<SpotMarketSnapshot, 'spotAvailableAt'> & { spotAvailableAt: number | null };
    const served = await this.#call<Record<string, Served>>('GET', '/markets');
    return new Map(
      Object.entries(served).map(([type, m]) => [
        type,
        { ...m, spotAvailableAt: timeOrNever(m.spotAvailableAt) },
      ]),
    );
  }
  async now(): Promise<number> {
    const c = await this.#call<{ kind: 'virtual' | 'scaled'; now: number }>('GET', '/clock');
    this.clockKind = c.kind;
    return c.now;
  }
  async nextEventAt(): Promise<number | undefined> {
    return (await this.#call<{ next: number | null }>('GET', '/clock')).next ?? undefined;
  }
  async advanceTo(t: number): Promise<void> {
    await this.#call('POST', '/advance', { to: t });
  }
  eventsAfter(seq: number): Promise<LoggedCloudEvent[]> {
    return this.#call('GET', `/events?after=${seq}`);
  }
  async ledgerCostUsd(untilSeconds: number): Promise<LedgerCost> {
    return (await this.ledger(untilSeconds)).cost;
  }
  /** The served ledger, billed up to `untilSeconds`. */
  ledger(untilSeconds: number): Promise<{ cost: LedgerCost; instances: ServedLedgerEntry[] }> {
    return this.#call('GET', `/ledger?until=${untilSeconds}`);
  }
}

/**
 * A time the cloud server sent, seconds: JSON has no Infinity, so "never" (a spot market that
 * does not return) arrives as null.
 */
function timeOrNever(t: number | null): number {
  return t ?? Number.POSITIVE_INFINITY;
}
