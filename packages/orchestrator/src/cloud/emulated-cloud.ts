/**
 * The emulated cloud (live.md, EmulatedCloud): a sim-core market — the scenario's instance
 * types, spot prices and preemptions — behind the {@link CloudProvider} interface, with its own
 * ledger of instances and billed time. Spot launches go through sim-core's `requestSpot`, the
 * very function `simulate` launches with, so capacity refusals and notice times are the draws
 * a simulation of the same scenario and seed makes.
 *
 * Time is its clock's. On the virtual clock the driver asks {@link EmulatedCloud.nextEventAt}
 * and calls {@link EmulatedCloud.advanceTo}; on the scaled clock the same call
 * is called with the clock's now as wall time passes. Either way, what happens at time t (an
 * instance becoming ready, a notice, a termination) happens in order of time, then of
 * scheduling, and is logged as a {@link CloudEvent} with a sequence number, for
 * {@link EmulatedCloud.eventsAfter}.
 */

import {
  buildMarket,
  EventQueue,
  freeSlot,
  instanceCostUsd,
  type Market,
  type PriceProcess,
  type ResolvedInstanceType,
  type ResolvedScenario,
  rebalanceAt,
  releaseSpotSlot,
  requestSpot,
  resolveScenario,
  type Scenario,
  type TypeMarket,
} from '@synkti/sim-core';
import { type Clock, VirtualClock } from '../clock.js';
import {
  CapacityError,
  type CloudDriver,
  type CloudEvent,
  type CloudInstance,
  type CloudInstanceState,
  type CloudLaunchRequest,
  type CloudProvider,
  type LoggedCloudEvent,
  PermanentCloudError,
  type SpotMarketSnapshot,
} from './provider.js';

/** One instance in the cloud's ledger. */
export interface LedgerEntry {
  readonly id: string;
  readonly type: ResolvedInstanceType;
  readonly market: Market;
  readonly jobTag: string;
  readonly token: string;
  readonly launchedAt: number;
  readonly readyAt: number;
  /** Pool slot of a spot instance (traces count capacity by slot). */
  readonly slot: number;
  /** When its notice came, seconds. */
  noticedAt: number | undefined;
  /** When it got a rebalance recommendation, seconds. */
  rebalanceAt: number | undefined;
  /** When it ended (terminated by the cloud or by the orchestrator), seconds. */
  endedAt: number | undefined;
  state: CloudInstanceState;
  readonly price: PriceProcess;
}

/** The ledger's bill, USD. */
export interface LedgerCost {
  readonly spotUsd: number;
  readonly onDemandUsd: number;
  /** Each instance's bill, by its launch token. */
  readonly byToken: Readonly<Record<string, number>>;
}

/** See the file comment. */
export class EmulatedCloud implements CloudProvider, CloudDriver {
  readonly resolved: ResolvedScenario;
  readonly #markets = new Map<string, TypeMarket>();
  readonly #ledger = new Map<string, LedgerEntry>();
  readonly #byToken = new Map<string, string>();
  /** Scheduled happenings, in (time, scheduling) order: sim-core's event queue. */
  readonly #agenda = new EventQueue<() => void>();
  /** Every event, in order; an event's seq is its index + 1. */
  readonly #log: CloudEvent[] = [];

  constructor(
    scenario: Scenario,
    readonly seed: string | number,
    readonly clock: Clock,
  ) {
    this.resolved = resolveScenario(scenario);
    for (const type of this.resolved.instanceTypes) {
      this.#markets.set(type.name, buildMarket(type, seed, this.resolved.horizonSeconds));
    }
  }

  async launch(req: CloudLaunchRequest): Promise<CloudInstance> {
    return this.launchNow(req);
  }

  /** {@link launch}, synchronously. */
  launchNow(req: CloudLaunchRequest): CloudInstance {
    const known = this.#byToken.get(req.token);
    if (known !== undefined) return describeEntry(this.#ledger.get(known) as LedgerEntry);
    const m = this.#markets.get(req.type);
    if (m === undefined) {
      throw new PermanentCloudError(
        `unknown instance type "${req.type}"; this cloud has ${[...this.#markets.keys()].join(', ')}`,
      );
    }
    const now = this.clock.now();
    let slot = 0;
    let noticeAt: number | undefined;
    if (req.market === 'spot') {
      const spot = requestSpot(m, now, this.seed, this.resolved.horizonSeconds);
      if (!spot.granted) {
        throw new CapacityError(
          `no spot capacity for ${req.type} at ${now} s (returns at ${spot.availableAt} s)`,
          spot.availableAt,
        );
      }
      slot = spot.slot;
      noticeAt = spot.noticeAt;
    }
    const id = `i-${String(this.#ledger.size).padStart(6, '0')}`;
    const entry: LedgerEntry = {
      id,
      type: m.type,
      market: req.market,
      jobTag: req.jobTag,
      token: req.token,
      launchedAt: now,
      readyAt: now + m.type.bootSeconds,
      slot,
      noticedAt: undefined,
      rebalanceAt: undefined,
      endedAt: undefined,
      state: 'pending',
      price: req.market === 'spot' ? m.spotPrice : m.onDemandPrice,
    };
    this.#ledger.set(id, entry);
    this.#byToken.set(req.token, id);
    this.#at(entry.readyAt, () => {
      if (entry.state !== 'pending') return;
      entry.state = 'running';
      this.#emit({ kind: 'state', instanceId: id, state: 'running', at: entry.readyAt });
    });
    const lead = m.type.rebalanceLeadSeconds;
    if (noticeAt !== undefined && lead !== undefined && noticeAt <= this.resolved.horizonSeconds) {
      // Scheduled before the notice, as simulate does: at one instant, it comes first.
      const at = rebalanceAt(now, noticeAt, lead);
      this.#at(at, () => {
        if (entry.endedAt !== undefined) return;
        entry.rebalanceAt = at;
        this.#emit({ kind: 'rebalance-recommendation', instanceId: id, at });
      });
    }
    if (noticeAt !== undefined && noticeAt <= this.resolved.horizonSeconds) {
      const at = noticeAt;
      this.#at(at, () => {
        if (entry.endedAt !== undefined) return;
        entry.noticedAt = at;
        releaseSpotSlot(m, entry.slot); // the capacity is gone at the notice
        const terminateAt = at + this.resolved.gracePeriodSeconds;
        this.#emit({ kind: 'interruption-warning', instanceId: id, at, terminateAt });
        this.#at(terminateAt, () => this.#end(entry, terminateAt));
      });
    }
    return describeEntry(entry);
  }

  async terminate(instanceId: string): Promise<void> {
    this.terminateNow(instanceId);
  }

  /** {@link terminate}, synchronously. */
  terminateNow(instanceId: string): void {
    const entry = this.#ledger.get(instanceId);
    if (entry === undefined || entry.endedAt !== undefined) return;
    this.#end(entry, this.clock.now());
  }

  async describe(): Promise<CloudInstance[]> {
    return this.describeNow();
  }

  /** {@link describe}, synchronously. */
  describeNow(): CloudInstance[] {
    return [...this.#ledger.values()].map(describeEntry);
  }

  async spotPrice(type: string): Promise<number> {
    const m = this.#markets.get(type);
    if (m === undefined) throw new PermanentCloudError(`unknown instance type "${type}"`);
    return m.spotPrice.priceAt(this.clock.now());
  }

  async markets(): Promise<ReadonlyMap<string, SpotMarketSnapshot>> {
    return this.marketsNow();
  }

  /** {@link markets}, synchronously. */
  marketsNow(): Map<string, SpotMarketSnapshot> {
    const now = this.clock.now();
    const out = new Map<string, SpotMarketSnapshot>();
    for (const [name, m] of this.#markets) {
      const next = m.preemption.nextLaunchAt(now, freeSlot(m));
      // 0 when a launch would be granted now: on the scaled clock the orchestrator's time lags
      // the cloud's a little, and "available at the cloud's now" must read as available.
      out.set(name, {
        spotPerHour: m.spotPrice.priceAt(now),
        spotAvailableAt: next > now ? next : 0,
      });
    }
    return out;
  }

  /** When the next scheduled happening is due, seconds; undefined when nothing is scheduled. */
  nextEventAtNow(): number | undefined {
    return this.#agenda.peek()?.time;
  }

  /**
   * Carries out everything due at or before `t`, in order; on the virtual clock, moves it to `t`
   * first (the scaled clock must already be there).
   */
  advanceToNow(t: number): void {
    if (this.clock instanceof VirtualClock) this.clock.advanceTo(t);
    for (let next = this.#agenda.pop(t); next; next = this.#agenda.pop(t)) next.payload();
  }

  // ---- CloudDriver ---------------------------------------------------------------------------

  get clockKind(): 'virtual' | 'scaled' {
    return this.clock.kind;
  }
  async now(): Promise<number> {
    return this.clock.now();
  }
  async nextEventAt(): Promise<number | undefined> {
    return this.nextEventAtNow();
  }
  async advanceTo(t: number): Promise<void> {
    this.advanceToNow(t);
  }
  async eventsAfter(seq: number): Promise<LoggedCloudEvent[]> {
    return this.eventsAfterNow(seq);
  }

  /** The events logged after `seq`, in order (seq 0: all of them). */
  eventsAfterNow(seq: number): LoggedCloudEvent[] {
    return this.#log.slice(seq).map((event, k) => ({ seq: seq + k + 1, event }));
  }

  /** The number of events logged so far (the last event's seq). */
  get lastSeq(): number {
    return this.#log.length;
  }

  /** Listeners told of every event as it is logged (the server stops an ended instance's agent). */
  readonly #listeners: ((e: CloudEvent) => void)[] = [];

  /** Calls `listener` with every event from now on, as it is logged. */
  onEvent(listener: (e: CloudEvent) => void): void {
    this.#listeners.push(listener);
  }

  #emit(e: CloudEvent): void {
    this.#log.push(e);
    for (const listener of this.#listeners) listener(e);
  }

  /** The ledger entry of instance `id`; undefined for an unknown id. */
  entry(id: string): LedgerEntry | undefined {
    return this.#ledger.get(id);
  }

  /** Every instance ever launched, in launch order. */
  ledger(): readonly LedgerEntry[] {
    return [...this.#ledger.values()];
  }

  /** What the cloud has billed up to `untilSeconds`, USD: by market, and by instance token. */
  async ledgerCostUsd(untilSeconds: number): Promise<LedgerCost> {
    return this.ledgerCostNow(untilSeconds);
  }

  /** {@link ledgerCostUsd}, synchronously. */
  ledgerCostNow(untilSeconds: number): LedgerCost {
    let spotUsd = 0;
    let onDemandUsd = 0;
    const byToken: Record<string, number> = {};
    for (const e of this.#ledger.values()) {
      const usd = this.billedUsd(e, untilSeconds);
      byToken[e.token] = usd;
      if (e.market === 'spot') spotUsd += usd;
      else onDemandUsd += usd;
    }
    return { spotUsd, onDemandUsd, byToken };
  }

  /**
   * What the cloud bills for an instance, USD: its billed time (the type's billing increments
   * and minimum) at its price; one still running is billed up to `untilSeconds` (nothing, if it
   * was launched at or after then).
   */
  billedUsd(entry: LedgerEntry, untilSeconds: number): number {
    return instanceCostUsd(
      entry.price,
      entry.type.billing,
      entry.launchedAt,
      entry.endedAt,
      entry.endedAt ?? untilSeconds,
    );
  }

  #end(entry: LedgerEntry, t: number): void {
    if (entry.endedAt !== undefined) return;
    entry.endedAt = t;
    entry.state = 'terminated';
    const m = this.#markets.get(entry.type.name) as TypeMarket;
    if (entry.market === 'spot' && entry.noticedAt === undefined) releaseSpotSlot(m, entry.slot);
    this.#emit({ kind: 'state', instanceId: entry.id, state: 'terminated', at: t });
  }

  #at(t: number, fire: () => void): void {
    this.#agenda.push(t, 0, fire);
  }
}

function describeEntry(e: LedgerEntry): CloudInstance {
  return {
    id: e.id,
    type: e.type.name,
    market: e.market,
    zone: e.type.zone,
    state: e.state,
    launchedAt: e.launchedAt,
    readyAt: e.readyAt,
    jobTag: e.jobTag,
    token: e.token,
  };
}
