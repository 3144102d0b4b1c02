// A user-written policy module for `--policy-module` (docs/scenarios.md): its default export is
// { name, create(params) }. This one is on-demand-only written from scratch against the view:
// each pending task goes on the first on-demand instance with room (existing ones in launch
// order, then this round's launches), else on a new instance of the cheapest type per unit of
// work that fits it (ties by name).

function alwaysOnDemand() {
  return {
    name: 'always-on-demand',
    /** @param {import('@synkti/sim-core').SimulationView} view */
    decide(view) {
      const launches = [];
      const placements = [];
      const promised = new Map(); // MB promised this round on existing instances, by id
      const fresh = []; // this round's launches: { index, free }
      for (const task of view.pendingTasks()) {
        let placed = false;
        for (
          let i = view.findInstance('on-demand', task.memoryMb);
          i !== undefined && !placed;
          i = view.findInstance('on-demand', task.memoryMb, i)
        ) {
          const used = promised.get(i.id) ?? 0;
          if (i.freeMemoryMb - used >= task.memoryMb) {
            promised.set(i.id, used + task.memoryMb);
            placements.push({ taskId: task.id, instanceId: i.id });
            placed = true;
          }
        }
        for (const l of fresh) {
          if (placed || l.free < task.memoryMb) continue;
          l.free -= task.memoryMb;
          placements.push({ taskId: task.id, launchIndex: l.index });
          placed = true;
        }
        if (placed) continue;
        const type = view.instanceTypes
          .filter((t) => t.gpuMemoryMb >= task.memoryMb)
          .sort(
            (a, b) =>
              a.onDemandPerHour / a.speed - b.onDemandPerHour / b.speed ||
              (a.name < b.name ? -1 : 1),
          )[0];
        if (type === undefined) continue;
        fresh.push({ index: launches.length, free: type.gpuMemoryMb - task.memoryMb });
        placements.push({ taskId: task.id, launchIndex: launches.length });
        launches.push({ instanceType: type.name, market: 'on-demand' });
      }
      return { launches, placements };
    },
  };
}

export default { name: 'always-on-demand', create: alwaysOnDemand };
