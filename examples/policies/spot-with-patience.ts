/**
 * A user-written policy module in TypeScript for `--policy-module` (docs/scenarios.md): its
 * default export is `{ name, create(params), params }`. `spot-with-patience` places each pending
 * task on spot (existing capacity first, else a new instance of the first type that fits and
 * can be launched now); a task that has waited longer than `patienceSeconds` since it arrived,
 * or has been preempted, goes to on-demand instead.
 */

import type {
  Decisions,
  LaunchRequest,
  Market,
  Placement,
  SchedulingPolicy,
  SimulationView,
  TaskView,
} from '@synkti/sim-core';

function create(params: Readonly<Record<string, unknown>>): SchedulingPolicy {
  const patience = params['patienceSeconds'] ?? 3600;
  if (typeof patience !== 'number' || !(patience >= 0)) {
    throw new RangeError(`patienceSeconds: expected seconds >= 0, got ${String(patience)}`);
  }
  return {
    name: 'spot-with-patience',
    decide(view: SimulationView): Decisions {
      const launches: LaunchRequest[] = [];
      const placements: Placement[] = [];
      const promised = new Map<string, number>();
      const fresh: { index: number; market: Market; free: number }[] = [];
      const market = (t: TaskView): Market =>
        t.preemptions > 0 || view.now - t.arrivalSeconds > patience ? 'on-demand' : 'spot';
      for (const task of view.pendingTasks()) {
        const m = market(task);
        let placed = false;
        for (
          let i = view.findInstance(m, task.memoryMb);
          i !== undefined && !placed;
          i = view.findInstance(m, task.memoryMb, i)
        ) {
          const used = promised.get(i.id) ?? 0;
          if (i.freeMemoryMb - used < task.memoryMb) continue;
          promised.set(i.id, used + task.memoryMb);
          placements.push({ taskId: task.id, instanceId: i.id });
          placed = true;
        }
        for (const l of fresh) {
          if (placed || l.market !== m || l.free < task.memoryMb) continue;
          l.free -= task.memoryMb;
          placements.push({ taskId: task.id, launchIndex: l.index });
          placed = true;
        }
        if (placed) continue;
        const type = view.instanceTypes.find(
          (t) =>
            t.gpuMemoryMb >= task.memoryMb && (m === 'on-demand' || view.spotAvailable(t.name)),
        );
        if (type === undefined) continue; // wait: spot is not available now
        fresh.push({ index: launches.length, market: m, free: type.gpuMemoryMb - task.memoryMb });
        placements.push({ taskId: task.id, launchIndex: launches.length });
        launches.push({ instanceType: type.name, market: m });
      }
      return { launches, placements };
    },
  };
}

export default { name: 'spot-with-patience', create, params: ['patienceSeconds'] };
