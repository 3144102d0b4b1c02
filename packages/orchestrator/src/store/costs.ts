/**
 * What a server's run has cost so far, kept in the store as the run goes (schema version 4), so
 * that the REST API, in the server's process or beside it, answers from the store alone:
 *
 * - every instance's bill so far (the cloud's ledger: billed time × price) and its
 *   counterfactual (the same billed time at its type's on-demand price);
 * - a sample of the totals at each look (`cost_samples`): cost over time;
 * - a job's share: an instance's bill is shared among the jobs that were on it in proportion to
 *   the seconds each was on it (`stretches`); an instance no job was ever on is `unattributed`.
 *
 * Savings are the counterfactual less the bill: what the same instances would have cost on
 * demand. (A run's summary compares with an on-demand-only fleet simulated on the same
 * scenario: that is a policy's saving; this is the market's, for the fleet the policy chose.)
 */

import type { LiveStore } from './store.js';

/** One instance's bill at a look. */
export interface InstanceBill {
  readonly token: string;
  readonly market: 'spot' | 'on-demand';
  /** Billed so far, USD. */
  readonly billedUsd: number;
  /** The same billed time at its type's on-demand price, USD. */
  readonly counterfactualUsd: number;
}

/** Totals at one instant. */
export interface CostTotals {
  /** Cloud seconds. */
  readonly t: number;
  readonly spotUsd: number;
  readonly onDemandUsd: number;
  readonly totalUsd: number;
  readonly counterfactualUsd: number;
  /** counterfactual − total, USD. */
  readonly savingsUsd: number;
  /** savings / counterfactual, percent; undefined before anything is billed. */
  readonly savingsPct: number | undefined;
}

/** One job's share of the bill and what happened to it. */
export interface JobCost {
  readonly id: string;
  readonly state: string;
  readonly costUsd: number;
  readonly counterfactualUsd: number;
  readonly preemptions: number;
  /** Times it was put back in the policy's hands (RECOVERING entries). */
  readonly recoveries: number;
}

/** What `GET /metrics` reports. */
export interface CostReport {
  readonly totals: CostTotals;
  /** Instances that got an interruption notice. */
  readonly preemptions: number;
  /** Times a job was put back in the policy's hands, all jobs. */
  readonly recoveries: number;
  readonly jobs: readonly JobCost[];
  /** Bills of instances no job was ever on, USD. */
  readonly unattributedUsd: number;
}

/** Totals from the parts. */
export function costTotals(
  t: number,
  spotUsd: number,
  onDemandUsd: number,
  counterfactualUsd: number,
): CostTotals {
  const totalUsd = spotUsd + onDemandUsd;
  const savingsUsd = counterfactualUsd - totalUsd;
  return {
    t,
    spotUsd,
    onDemandUsd,
    totalUsd,
    counterfactualUsd,
    savingsUsd,
    savingsPct: counterfactualUsd > 0 ? (100 * savingsUsd) / counterfactualUsd : undefined,
  };
}

/** Keeps the bills at cloud time `t`: each instance's, and a sample of the totals. */
export function recordCosts(store: LiveStore, t: number, bills: readonly InstanceBill[]): void {
  let spot = 0;
  let onDemand = 0;
  let counterfactual = 0;
  const patch = store.prepare(
    'UPDATE instances SET billed_usd = ?, counterfactual_usd = ? WHERE token = ?',
  );
  store.transaction(() => {
    for (const b of bills) {
      patch.run(b.billedUsd, b.counterfactualUsd, b.token);
      if (b.market === 'spot') spot += b.billedUsd;
      else onDemand += b.billedUsd;
      counterfactual += b.counterfactualUsd;
    }
    store
      .prepare(
        `INSERT OR REPLACE INTO cost_samples (t, spot_usd, on_demand_usd, counterfactual_usd)
         VALUES (?, ?, ?, ?)`,
      )
      .run(t, spot, onDemand, counterfactual);
  });
}

interface SampleRow {
  readonly t: number;
  readonly spot_usd: number;
  readonly on_demand_usd: number;
  readonly counterfactual_usd: number;
}

const totalsOf = (r: SampleRow) =>
  costTotals(r.t, r.spot_usd, r.on_demand_usd, r.counterfactual_usd);

/** The samples of the totals at or after cloud time `sinceSeconds`, oldest first. */
export function costSamples(store: LiveStore, sinceSeconds = 0): CostTotals[] {
  return (
    store
      .prepare('SELECT * FROM cost_samples WHERE t >= ? ORDER BY t')
      .all(sinceSeconds) as SampleRow[]
  ).map(totalsOf);
}

/** The latest totals (zeros at time 0 before the first sample). */
export function latestCosts(store: LiveStore): CostTotals {
  const r = store.prepare('SELECT * FROM cost_samples ORDER BY t DESC LIMIT 1').get() as
    | SampleRow
    | undefined;
  return r === undefined ? costTotals(0, 0, 0, 0) : totalsOf(r);
}

/** The report of {@link CostReport}, as of the latest sample. */
export function costReport(store: LiveStore): CostReport {
  const totals = latestCosts(store);
  const asOf = totals.t;
  const held = store
    .prepare(
      `SELECT job_id, instance_token, SUM(MAX(0, COALESCE(to_t, ?) - from_t)) AS seconds
       FROM stretches GROUP BY job_id, instance_token`,
    )
    .all(asOf) as { job_id: string; instance_token: string; seconds: number }[];
  const perInstance = new Map<string, number>();
  for (const h of held)
    perInstance.set(h.instance_token, (perInstance.get(h.instance_token) ?? 0) + h.seconds);
  const bills = new Map(
    (
      store.prepare('SELECT token, billed_usd, counterfactual_usd FROM instances').all() as {
        token: string;
        billed_usd: number | null;
        counterfactual_usd: number | null;
      }[]
    ).map((r) => [r.token, r]),
  );
  const share = new Map<string, { cost: number; counterfactual: number }>();
  for (const h of held) {
    const bill = bills.get(h.instance_token);
    const total = perInstance.get(h.instance_token) ?? 0;
    // A stretch of no length (placed and gone at one instant) shares nothing.
    const f = total > 0 ? h.seconds / total : 0;
    const s = share.get(h.job_id) ?? { cost: 0, counterfactual: 0 };
    s.cost += f * (bill?.billed_usd ?? 0);
    s.counterfactual += f * (bill?.counterfactual_usd ?? 0);
    share.set(h.job_id, s);
  }
  let unattributed = 0;
  for (const [token, b] of bills) {
    if (!(perInstance.get(token) ?? 0)) unattributed += b.billed_usd ?? 0;
  }
  const recoveries = new Map(
    (
      store
        .prepare(
          `SELECT id, COUNT(*) AS n FROM journal
           WHERE what = 'job' AND to_state = 'RECOVERING' GROUP BY id`,
        )
        .all() as { id: string; n: number }[]
    ).map((r) => [r.id, r.n]),
  );
  const jobs = (
    store.prepare('SELECT id, state, preemptions FROM jobs ORDER BY position').all() as {
      id: string;
      state: string;
      preemptions: number;
    }[]
  ).map((j) => ({
    id: j.id,
    state: j.state,
    costUsd: share.get(j.id)?.cost ?? 0,
    counterfactualUsd: share.get(j.id)?.counterfactual ?? 0,
    preemptions: j.preemptions,
    recoveries: recoveries.get(j.id) ?? 0,
  }));
  return {
    totals,
    preemptions: (
      store.prepare('SELECT COUNT(*) AS n FROM instances WHERE noticed_at IS NOT NULL').get() as {
        n: number;
      }
    ).n,
    recoveries: jobs.reduce((a, j) => a + j.recoveries, 0),
    jobs,
    unattributedUsd: unattributed,
  };
}
