/**
 * Each instance's bill from the cloud's ledger, beside its counterfactual: the same billed time
 * at its type's on-demand price (store/costs.ts keeps both).
 */

import { ConstantPrice, instanceCostUsd } from '@synkti/sim-core';
import type { LedgerCost } from '../cloud/emulated-cloud.js';
import type { InstanceBill } from '../store/costs.js';
import type { Orchestrator } from './orchestrator.js';

/** The bills of `o`'s instances, as of cloud time `untilSeconds`, from the cloud's `bill`. */
export function bills(o: Orchestrator, bill: LedgerCost, untilSeconds: number): InstanceBill[] {
  return o.instances.map((inst) => ({
    token: inst.token,
    market: inst.market,
    billedUsd: bill.byToken[inst.token] ?? 0,
    counterfactualUsd: instanceCostUsd(
      new ConstantPrice(inst.type.onDemandPerHour),
      inst.type.billing,
      inst.launchedAt,
      inst.endedAt,
      untilSeconds,
    ),
  }));
}
