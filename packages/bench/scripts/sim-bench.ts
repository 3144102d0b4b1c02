/**
 * `npm run bench:sim`: wall time and events/second of `simulate` for 1k, 10k and 100k tasks
 * over 30 simulated days with the prototype's task distribution (greedy-spot, optimal
 * migration), and the growth ratio time(100k)/time(10k), measured in this one run.
 */

import { performance } from 'node:perf_hooks';
import { createPolicy } from '@synkti/policies';
import { type Scenario, simulate } from '@synkti/sim-core';

const DAYS = 30;
const horizonHours = DAYS * 24;

function scenario(count: number): Scenario {
  return {
    name: `sim-bench-${count}`,
    horizonHours,
    instanceTypes: [
      {
        name: 'gpu-24g',
        gpuMemoryMb: 24_000,
        networkGbps: 10,
        onDemandPerHour: 1,
        spotPrice: {
          kind: 'ou',
          meanPerHour: 0.3,
          theta: 0.5,
          sigma: 0.2,
          stepSeconds: 360,
          floorPerHour: 0.1,
          capPerHour: 0.95,
        },
        preemption: { kind: 'poisson', ratePerHour: 0.05 },
      },
    ],
    workload: {
      generate: {
        count,
        arrivalHours: { dist: 'uniform', min: 0, max: 0.8 * horizonHours },
        workHours: { dist: 'uniform', min: 1, max: 20 },
        memoryMb: { dist: 'uniform', min: 4000, max: 16000 },
        stateMb: { perWorkHourMb: 200, maxMb: 8000 },
      },
    },
  };
}

const rows: { n: number; ms: number; events: number }[] = [];
console.log(`simulate(): greedy-spot, optimal migration, ${DAYS} simulated days, seed 1`);
console.log('tasks | wall ms | events | events/s | completed');
console.log('--- | --- | --- | --- | ---');
for (const n of [1_000, 10_000, 100_000]) {
  const start = performance.now();
  const r = simulate(scenario(n), {
    policy: createPolicy('greedy-spot'),
    migration: 'optimal',
    seed: 1,
  });
  const ms = performance.now() - start;
  rows.push({ n, ms, events: r.eventsProcessed });
  console.log(
    [
      n,
      ms.toFixed(0),
      r.eventsProcessed,
      ((r.eventsProcessed / ms) * 1000).toFixed(0),
      r.tasksCompleted,
    ].join(' | '),
  );
}
const t10k = rows[1]?.ms ?? Number.NaN;
const t100k = rows[2]?.ms ?? Number.NaN;
console.log(`time(100k)/time(10k) = ${(t100k / t10k).toFixed(1)} (target <= 15; n log n ≈ 12.5)`);
