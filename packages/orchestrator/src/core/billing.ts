/**
 * Each instance's bill from the cloud's ledger, beside its counterfactual: the same billed time
 * at its type's on-demand price (store/costs.ts keeps both).
 */

import { ConstantPrice, instanceCostUsd } from '@synkti/sim-core';
import type { LedgerCost } from '../cloud/emulated-cloud.js';
import type { InstanceBill } from '../store/costs.js';
import type { Orchestrator } from './orchestrator.js';

/**
 * The bills of `o`'s instances, as of cloud time `untilSeconds`, from the cloud's `bill`. An
 * instance whose notice has run out by then has ended at its termination time, even before the
 * orchestrator has read that it ended (as the cloud's ledger has it).
 */
export function bills(o: Orchestrator, bill: LedgerCost, untilSeconds: number): InstanceBill[] {
  const terminating = new Map(
    (
      o.options.store
        .prepare(
          'SELECT token, terminate_at FROM instances WHERE ended_at IS NULL AND terminate_at IS NOT NULL',
        )
        .all() as { token: string; terminate_at: number }[]
    ).map((r) => [r.token, r.terminate_at]),
  );
  const endOf = (inst: Orchestrator['instances'][number]) => {
    if (inst.endedAt !== undefined) return inst.endedAt;
    const t = terminating.get(inst.token);
    return t !== undefined && t <= untilSeconds ? t : undefined;
  };
  return o.instances.map((inst) => ({
    token: inst.token,
    market: inst.market,
    billedUsd: bill.byToken[inst.token] ?? 0,
    counterfactualUsd: instanceCostUsd(
      new ConstantPrice(inst.type.onDemandPerHour),
      inst.type.billing,
      inst.launchedAt,
      endOf(inst),
      untilSeconds,
    ),
  }));
}
