/**
 * Example: build a scenario in code, run greedy versus optimal (Kuhn–Munkres) migration over 20
 * seeds with the same workload, prices and preemption draws per seed, and print the paired
 * difference with its 95% confidence interval.
 *
 *   npm run examples
 */

import { createPolicy } from '@synkti/policies';
import { pairedDifference, type Scenario, simulate } from '@synkti/sim-core';

const scenario: Scenario = {
  name: 'example',
  horizonHours: 48,
  gracePeriodSeconds: 30, // GCP / Azure
  idleReleaseSeconds: 1800, // idle instances linger: spare capacity to migrate onto
  instanceTypes: [
    {
      name: 'gpu-24g',
      gpuMemoryMb: 24_000,
      networkGbps: 1,
      onDemandPerHour: 1.0,
      spotPrice: {
        kind: 'ou',
        meanPerHour: 0.3,
        theta: 0.5,
        sigma: 0.2,
        floorPerHour: 0.1,
        capPerHour: 0.95,
      },
      preemption: { kind: 'poisson', ratePerHour: 0.2 },
    },
  ],
  workload: {
    generate: {
      count: 100,
      arrivalHours: { dist: 'uniform', min: 0, max: 38.4 },
      workHours: { dist: 'uniform', min: 1, max: 20 },
      memoryMb: { dist: 'uniform', min: 4000, max: 16000 },
      stateMb: { dist: 'uniform', min: 500, max: 4000 },
    },
  },
};

const seeds = Array.from({ length: 20 }, (_, k) => k + 1);
const run = (migration: 'greedy' | 'optimal') =>
  new Map(
    seeds.map((seed) => {
      const r = simulate(scenario, { policy: createPolicy('greedy-spot'), migration, seed });
      return [String(seed), r] as const;
    }),
  );
const greedy = run('greedy');
const optimal = run('optimal');

const metric = (label: string, pick: (r: ReturnType<typeof simulate>) => number | undefined) => {
  const d = pairedDifference(
    new Map([...optimal].map(([s, r]) => [s, pick(r)])),
    new Map([...greedy].map(([s, r]) => [s, pick(r)])),
  );
  const f = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(3));
  console.log(
    `${label.padEnd(32)} optimal ${f(d.meanA)}  greedy ${f(d.meanB)}  diff ${f(d.meanDiff)}  95% CI [${f(d.ciLow)}, ${f(d.ciHigh)}]  n=${d.n}`,
  );
};

console.log('greedy-spot, optimal − greedy migration, paired by seed:');
metric('total cost (USD)', (r) => r.totalCostUsd);
metric('cost per work-hour (USD)', (r) => r.costPerWorkHour);
metric('mean downtime (s)', (r) => r.migrationDowntimeMeanSeconds);
metric('progress lost (h)', (r) => r.progressLostHours);
metric('tasks completed', (r) => r.tasksCompleted);
