/**
 * What every route reads: the run's store (and its requests), the server's scenario facts and
 * clock as its orchestrator last wrote them, and the store's rows as the API's shapes.
 */

import {
  FINAL_JOB_STATES,
  type InstanceRow,
  type JobRequests,
  type JobRow,
  type LiveStore,
  SERVER_INFO,
  SERVER_NOW,
  type ServerInfo,
} from '@synkti/orchestrator';
import type { LoginCodes } from './auth.js';
import type { Instance, Job } from './schemas.js';

/** See the file comment. */
export interface ApiContext {
  readonly stateDir: string;
  readonly store: LiveStore;
  readonly requests: JobRequests;
  readonly token: string;
  readonly codes: LoginCodes;
}

/** The server's scenario facts; undefined for a store a server did not write (synkti live). */
export function serverInfo(ctx: ApiContext): ServerInfo | undefined {
  const v = ctx.store.getMeta(SERVER_INFO);
  return v === undefined ? undefined : (JSON.parse(v) as ServerInfo);
}

/** The run's clock at the server's last look, seconds; undefined before its first. */
export function serverNow(ctx: ApiContext): number | undefined {
  const v = ctx.store.getMeta(SERVER_NOW);
  return v === undefined ? undefined : (JSON.parse(v) as { t: number }).t;
}

/** Ids of jobs with a cancellation waiting. */
export function cancelsWaiting(ctx: ApiContext): Set<string> {
  return new Set(
    (
      ctx.store
        .prepare("SELECT job_id FROM requests WHERE kind = 'cancel' AND handled_at IS NULL")
        .all() as { job_id: string }[]
    ).map((r) => r.job_id),
  );
}

/** A store row as the API's Job; `speedOf` gives an instance token's type speed. */
export function jobView(
  r: JobRow,
  now: number | undefined,
  speedOf: (token: string) => number | undefined,
  cancelling: ReadonlySet<string>,
): Job {
  let estimate = r.base_progress_seconds;
  if (r.running_since !== null && r.instance_token !== null && now !== undefined) {
    const speed = speedOf(r.instance_token) ?? 0;
    estimate = Math.min(r.work_seconds, estimate + Math.max(0, now - r.running_since) * speed);
  }
  if (r.state === 'SUCCEEDED') estimate = r.work_seconds;
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    reason: r.reason,
    final: FINAL_JOB_STATES.includes(r.state),
    workSeconds: r.work_seconds,
    progressSeconds: r.base_progress_seconds,
    memoryMb: r.memory_mb,
    stateMb: r.state_mb,
    arrivalSeconds: r.arrival_seconds,
    deadlineSeconds: r.deadline_seconds,
    instance: r.instance_token,
    preemptions: r.preemptions,
    attempts: r.attempts,
    completedAtSeconds: r.completed_at,
    cause: r.cause,
    argv: r.argv === null ? null : (JSON.parse(r.argv) as string[]),
    runningSinceSeconds: r.running_since,
    progressEstimateSeconds: estimate,
    cancelRequested: cancelling.has(r.id),
  };
}

/** The speed of an instance's type, by its token (from the server's facts; 1 without them). */
export function speeds(ctx: ApiContext): (token: string) => number | undefined {
  const info = serverInfo(ctx);
  const byType = new Map(info?.instanceTypes.map((t) => [t.name, t.speed]) ?? []);
  const typeOf = ctx.store.prepare('SELECT type FROM instances WHERE token = ?');
  return (token) => {
    const row = typeOf.get(token) as { type: string } | undefined;
    return row === undefined ? undefined : (byType.get(row.type) ?? 1);
  };
}

/** A store row as the API's Instance. */
export function instanceView(r: InstanceRow, info: ServerInfo | undefined): Instance {
  return {
    token: r.token,
    cloudId: r.cloud_id,
    type: r.type,
    zone: info?.instanceTypes.find((t) => t.name === r.type)?.zone ?? null,
    market: r.market,
    state: r.state,
    reason: r.reason,
    requestedAtSeconds: r.requested_at,
    launchedAtSeconds: r.launched_at,
    noticedAtSeconds: r.noticed_at,
    endedAtSeconds: r.ended_at,
    rebalanceAtSeconds: r.rebalance_at ?? null,
    billedUsd: r.billed_usd ?? null,
    counterfactualUsd: r.counterfactual_usd ?? null,
  };
}
