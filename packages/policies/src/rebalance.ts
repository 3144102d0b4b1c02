/**
 * What a built-in spot policy does with a rebalance recommendation: AWS's early signal that an
 * instance is at elevated risk of interruption (`InstanceView.rebalanceRecommendedAt`; in a
 * scenario, an instance type's `rebalanceLeadSeconds`). The `rebalance` parameter of
 * greedy-spot, on-demand-fallback, greedy-deadline and uniform-progress:
 *
 * - `ignore` (the default): nothing. The policy is exactly the one without the parameter.
 * - `migrate`: migrate early. When the recommendation comes (and at every policy tick after),
 *   each task on the instance is moved off it — its state saved at the instance's bandwidth, as
 *   any policy move (`SchedulingPolicy.preempts`) — and placed elsewhere: no task is placed on,
 *   and no migration planner moves a task onto, a recommended instance. An instance left idle
 *   follows the idle-release rule.
 * - `pre-copy`: save state early. When the recommendation comes, each task on the instance
 *   saves its state once (the same move) and is placed again as any pending task is, on the
 *   same instance when that is the first fit. The task pays the save and the restore now, and a
 *   notice that follows puts at risk only the progress made since.
 */

import type { InstanceView, SchedulingPolicy, SimulationView, TaskView } from '@synkti/sim-core';

/** The values of the `rebalance` parameter. */
export const REBALANCE_MODES = ['ignore', 'migrate', 'pre-copy'] as const;
/** See {@link REBALANCE_MODES}. */
export type RebalanceMode = (typeof REBALANCE_MODES)[number];

/** Checks the `rebalance` parameter (default `ignore`). @throws RangeError naming the values. */
export function rebalanceParam(value: unknown): RebalanceMode {
  if (value === undefined) return 'ignore';
  if (!(REBALANCE_MODES as readonly unknown[]).includes(value)) {
    throw new RangeError(
      `rebalance: expected ${REBALANCE_MODES.map((m) => JSON.stringify(m)).join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as RebalanceMode;
}

function recommended(inst: InstanceView | undefined): boolean {
  return inst?.rebalanceRecommendedAt !== undefined;
}

/** `view`, with recommended instances never offered for a placement. */
function avoidingRecommended(view: SimulationView): SimulationView {
  const findInstance: SimulationView['findInstance'] = (market, minFreeMemoryMb, after) => {
    let c = view.findInstance(market, minFreeMemoryMb, after);
    while (c !== undefined && recommended(c)) c = view.findInstance(market, minFreeMemoryMb, c);
    return c;
  };
  return new Proxy(view, {
    get(target, key) {
      if (key === 'findInstance') return findInstance;
      const v = Reflect.get(target, key, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** `policy` acting on rebalance recommendations as `mode` says (see the file comment). */
export function withRebalance(policy: SchedulingPolicy, mode: RebalanceMode): SchedulingPolicy {
  if (mode === 'ignore') return policy;
  const inner = policy.preempts?.bind(policy);
  const accepts = policy.acceptsMigration?.bind(policy);
  /** Tasks that saved their state on an instance already (`pre-copy`), as "task instance". */
  const copied = new Set<string>();
  const onRecommended = (task: TaskView, view: SimulationView): boolean =>
    task.instanceId !== undefined && recommended(view.instance(task.instanceId));
  return {
    name: policy.name,
    decide:
      mode === 'migrate'
        ? (view) => policy.decide(avoidingRecommended(view))
        : (view) => policy.decide(view),
    preempts(task, view) {
      if (inner?.(task, view)) return true;
      if (!onRecommended(task, view)) return false;
      if (mode === 'migrate') return true;
      const key = `${task.id} ${task.instanceId}`;
      if (copied.has(key)) return false;
      copied.add(key);
      return true;
    },
    ...(mode === 'migrate'
      ? {
          acceptsMigration: (task: TaskView, inst: InstanceView, view: SimulationView) =>
            !recommended(inst) && (accepts?.(task, inst, view) ?? true),
        }
      : accepts
        ? { acceptsMigration: accepts }
        : {}),
  };
}
