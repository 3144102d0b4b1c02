/**
 * What the orchestrator asks of a cloud (live.md, CloudProvider): launch, terminate, describe,
 * spot prices, and a stream of events. Every time is in the cloud's clock, seconds since the
 * run's start; every price in $/hour.
 */

import type { Market } from '@synkti/sim-core';

/** A launch request. `token` makes it idempotent: the same token never launches twice. */
export interface CloudLaunchRequest {
  /** Instance type name, as in the scenario. */
  readonly type: string;
  readonly market: Market;
  readonly zone?: string;
  /** Tag naming what the instance is for (the orchestrator's job ids, or a run id). */
  readonly jobTag: string;
  /** Idempotency token, recorded in the store before the call (AWS: ClientToken). */
  readonly token: string;
}

/** The cloud's own states of an instance (EC2's names). */
export type CloudInstanceState = 'pending' | 'running' | 'shutting-down' | 'terminated';

/** An instance as the cloud describes it. */
export interface CloudInstance {
  readonly id: string;
  readonly type: string;
  readonly market: Market;
  readonly zone: string | undefined;
  readonly state: CloudInstanceState;
  /** Launch time, seconds. */
  readonly launchedAt: number;
  /** When it is (or was) running, seconds. */
  readonly readyAt: number;
  /** The request's tags. */
  readonly jobTag: string;
  readonly token: string;
  /**
   * The instance's metadata service (IMDSv2), as its agent reaches it: on EC2 the link-local
   * address; on the emulated cloud a loopback URL that carries the instance's secret.
   */
  readonly imdsUrl?: string;
  /**
   * The instance's agent (live.md: an instance is an agent process), once it serves: on EC2 the
   * instance's address and the secret its user data carried; on the emulated cloud a loopback
   * URL. `'starting'` while it starts (an emulated cloud on the scaled clock starts it in the
   * background, as the instance boots). Absent when the cloud runs no agents.
   */
  readonly agent?: AgentEndpoint | 'starting';
}

/** Where an instance's agent answers, and the bearer secret it requires. */
export interface AgentEndpoint {
  readonly url: string;
  readonly secret: string;
}

/** Something the cloud tells the orchestrator (as EventBridge would). */
export type CloudEvent =
  | {
      readonly kind: 'interruption-warning';
      readonly instanceId: string;
      /** When the notice was given, seconds. */
      readonly at: number;
      /** When the instance will be terminated, seconds. */
      readonly terminateAt: number;
    }
  | { readonly kind: 'rebalance-recommendation'; readonly instanceId: string; readonly at: number }
  | {
      readonly kind: 'state';
      readonly instanceId: string;
      readonly state: CloudInstanceState;
      readonly at: number;
    };

/** A cloud event with its place in the cloud's event log (1, 2, …). */
export interface LoggedCloudEvent {
  readonly seq: number;
  readonly event: CloudEvent;
}

/**
 * What the live driver needs of an emulated cloud beyond {@link CloudProvider}: its clock, and
 * its event log read by sequence number (so a restarted orchestrator reads what it missed). On
 * the virtual clock the driver moves the cloud's time.
 */
export interface CloudDriver {
  readonly clockKind: 'virtual' | 'scaled';
  /** The cloud's time now, seconds. */
  now(): Promise<number>;
  /** When the cloud's next scheduled happening is due, seconds; undefined when none is. */
  nextEventAt(): Promise<number | undefined>;
  /** Virtual clock: moves the cloud's time to `t` and carries out what is due by then. */
  advanceTo(t: number): Promise<void>;
  /** The events logged after `seq`, in order. */
  eventsAfter(seq: number): Promise<LoggedCloudEvent[]>;
}

/** A type's spot market as the policy's view needs it. */
export interface SpotMarketSnapshot {
  /** Spot price now, $/hour. */
  readonly spotPerHour: number;
  /**
   * The first time after now a spot launch of the type would be granted, seconds; 0 when it
   * would be granted now. A cloud that cannot know answers 0 and lets a launch find out.
   */
  readonly spotAvailableAt: number;
}

/** A cloud (live.md). */
export interface CloudProvider {
  /** @throws CapacityError, TransientCloudError or PermanentCloudError. */
  launch(req: CloudLaunchRequest): Promise<CloudInstance>;
  /** Idempotent: terminating a terminated or unknown instance is not an error. */
  terminate(instanceId: string): Promise<void>;
  /**
   * Every instance the cloud knows, for reconciliation: terminated ones too (state
   * `terminated`), as EC2 lists a terminated instance for about an hour — an orchestrator that
   * died between a launch and its outcome must find the instance even if it has ended since.
   */
  describe(): Promise<CloudInstance[]>;
  /** Current spot price of a type, $/hour. */
  spotPrice(type: string, zone?: string): Promise<number>;
  /** Every type's spot market now, read before each policy decision (the view is synchronous). */
  markets(): Promise<ReadonlyMap<string, SpotMarketSnapshot>>;
}

/** Why a cloud call failed, as the orchestrator must react to it. */
export type CloudErrorKind = 'capacity' | 'transient' | 'permanent';

/** A failed cloud call. */
export class CloudError extends Error {
  constructor(
    readonly kind: CloudErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

/**
 * No capacity for the request now (AWS InsufficientInstanceCapacity; a trace with no capacity
 * in the emulated cloud). The policy is told, as a launch refused for capacity, and asked again.
 */
export class CapacityError extends CloudError {
  constructor(
    message: string,
    /** When capacity is known to return, seconds; undefined when unknown. */
    readonly availableAt: number | undefined,
  ) {
    super('capacity', message);
    this.name = 'CapacityError';
  }
}

/** Throttled or transient: retried with exponential backoff and jitter, within a budget. */
export class TransientCloudError extends CloudError {
  constructor(message: string) {
    super('transient', message);
    this.name = 'TransientCloudError';
  }
}

/** Permanent (bad request, auth): the job fails with this cause. */
export class PermanentCloudError extends CloudError {
  constructor(message: string) {
    super('permanent', message);
    this.name = 'PermanentCloudError';
  }
}
