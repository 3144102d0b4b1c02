/**
 * `npm run bench:sim [-- --tasks 100000,1000000] [--rounds 3]`: wall time, events/second and
 * peak memory of `simulate` for each task count (default 1k, 10k and 100k) over 30 simulated
 * days with the prototype's task distribution (greedy-spot, optimal migration), and the growth
 * ratio of each size's time to the previous one's, measured in this one run. Each size runs in
 * its own child process, so its peak RSS is its own. With `--rounds R` the sizes run R times,
 * round after round (so that the machine's slow spells fall on every size alike), and the
 * growth ratio of the first and last sizes is printed per round with its median.
 */

import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createPolicy } from '@synkti/policies';
import { type Scenario, simulate } from '@synkti/sim-core';
import { median } from './measure.js';

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

/** One size, in this process: prints its figures as JSON. */
function measureOne(n: number): void {
  const start = performance.now();
  const r = simulate(scenario(n), {
    policy: createPolicy('greedy-spot'),
    migration: 'optimal',
    seed: 1,
  });
  const ms = performance.now() - start;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({ n, ms, events: r.eventsProcessed, completed: r.tasksCompleted, peakRssMb }),
  );
}

function parseRounds(argv: readonly string[]): number {
  const at = argv.indexOf('--rounds');
  if (at < 0) return 1;
  const rounds = Number(argv[at + 1]);
  if (!(Number.isInteger(rounds) && rounds > 0)) {
    console.error(`--rounds: expected an integer > 0, got ${JSON.stringify(argv[at + 1])}`);
    process.exit(2);
  }
  return rounds;
}

function parseTasks(argv: readonly string[]): number[] {
  const at = argv.indexOf('--tasks');
  if (at < 0) return [1_000, 10_000, 100_000];
  const list = (argv[at + 1] ?? '').split(',').map((x) => Number(x));
  if (list.length === 0 || list.some((x) => !(Number.isInteger(x) && x > 0))) {
    console.error(
      `--tasks: expected task counts separated by commas, got ${JSON.stringify(argv[at + 1])}`,
    );
    process.exit(2);
  }
  return list;
}

const one = process.argv.indexOf('--one');
if (one >= 0) {
  measureOne(Number(process.argv[one + 1]));
} else {
  const sizes = parseTasks(process.argv);
  const rounds = parseRounds(process.argv);
  console.log(
    `simulate(): greedy-spot, optimal migration, ${DAYS} simulated days, seed 1; each size in its own process`,
  );
  const growth: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`\nround ${round} of ${rounds}`);
    const rows = measureSizes(sizes);
    const first = rows[0];
    const last = rows.at(-1);
    if (first && last && last !== first) {
      const k = last.n / first.n;
      growth.push(last.ms / first.ms);
      console.log(
        `time(${last.n})/time(${first.n}) = ${(last.ms / first.ms).toFixed(1)} for ${k}× the tasks (n log n would give ${((k * Math.log(last.n)) / Math.log(first.n)).toFixed(1)})`,
      );
    }
  }
  if (growth.length > 1) {
    const sorted = [...growth].sort((a, b) => a - b);
    console.log(
      `\ngrowth ratio over ${rounds} rounds: median ${median(growth).toFixed(1)} (${sorted.map((g) => g.toFixed(1)).join(', ')})`,
    );
  }
}

/** Runs each size in its own process, printing a table row per size. */
function measureSizes(sizes: readonly number[]): { n: number; ms: number }[] {
  console.log(
    'tasks | wall ms | events | events/s | completed | peak RSS MB | RSS KB per task | time / previous size',
  );
  console.log('--- | --- | --- | --- | --- | --- | --- | ---');
  const rows: { n: number; ms: number }[] = [];
  for (const n of sizes) {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--one', String(n)],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    if (child.status !== 0) {
      console.error(child.stderr);
      process.exit(1);
    }
    const r = JSON.parse(child.stdout.trim().split('\n').pop() as string) as {
      n: number;
      ms: number;
      events: number;
      completed: number;
      peakRssMb: number;
    };
    const previous = rows.at(-1);
    rows.push(r);
    console.log(
      [
        n,
        r.ms.toFixed(0),
        r.events,
        ((r.events / r.ms) * 1000).toFixed(0),
        r.completed,
        r.peakRssMb.toFixed(0),
        ((r.peakRssMb * 1024) / n).toFixed(2),
        previous
          ? `${(r.ms / previous.ms).toFixed(1)} for ${(n / previous.n).toFixed(1)}× the tasks`
          : '–',
      ].join(' | '),
    );
  }
  return rows;
}
