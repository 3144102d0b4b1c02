/**
 * `npm run bench:sweep`: speed-up of 2 workers over 1 on the default scenario, measured in one
 * run (the worker pool only: process start-up and scenario loading are the same for both and
 * excluded), and the steady-state throughput: runs per second per worker over the second half
 * of the runs. Also checks that both produce the same rows.
 *
 * Two figures explain the speed-up, from the same measurements: the process CPU time of each
 * pool (all threads: workers, V8's compiler threads, the main thread), and the speed-up over
 * the second half of the runs only, once every worker's hot code is compiled. Each worker is a
 * separate V8 isolate that interprets and compiles the simulation's code afresh; with one
 * worker that compiling runs on the idle second core, with two it takes time from the workers.
 */

import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runsCsv } from '../src/results/runs-csv.js';
import { resultTable } from '../src/results/table.js';
import { loadScenario } from '../src/scenario-file/load.js';
import { REPOSITORY_ROOT } from '../src/scenario-file/traces-dir.js';
import { runPool } from '../src/sweep/pool.js';
import { expandRuns, type RunRow } from '../src/sweep/runs.js';
import { median } from './measure.js';

const file = process.argv[2] ?? path.join(REPOSITORY_ROOT, 'scenarios', 'default.json');
const loaded = loadScenario(file);
const { runs, scenarios } = expandRuns([loaded]);

/** One pool's wall time, its second half's wall time and its process CPU time, ms. */
interface Timing {
  ms: number;
  secondHalfMs: number;
  cpuMs: number;
  csv: string;
}

async function timed(workers: number): Promise<Timing> {
  const rows: RunRow[] = [];
  const half = Math.ceil(runs.length / 2);
  let halfAt = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await runPool(runs, scenarios, workers, (r) => {
    if (rows.push(r) === half) halfAt = performance.now();
  }).done;
  const end = performance.now();
  const { user, system } = process.cpuUsage(cpu);
  return {
    ms: end - start,
    secondHalfMs: end - halfAt,
    cpuMs: (user + system) / 1000,
    csv: runsCsv(resultTable(rows.sort((a, b) => a.index - b.index))),
  };
}

const REPEATS = 3;
await timed(2); // warm-up: bundles the worker code and loads everything the main thread needs
const ones: Timing[] = [];
const twos: Timing[] = [];
let identical = true;
let reference: string | undefined;
// Alternate 1 and 2 workers so that machine noise falls on both alike; report medians.
for (let k = 0; k < REPEATS; k++) {
  for (const [workers, times] of [
    [1, ones],
    [2, twos],
  ] as const) {
    const t = await timed(workers);
    times.push(t);
    reference ??= t.csv;
    identical &&= t.csv === reference;
  }
}
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const one = median(ones.map((t) => t.ms));
const two = median(twos.map((t) => t.ms));
console.log(`${file}: ${runs.length} runs, median of ${REPEATS} alternating measurements`);
for (const [workers, times, wall] of [
  [1, ones, one],
  [2, twos, two],
] as const) {
  const cpu = median(times.map((t) => t.cpuMs));
  console.log(
    `--workers ${workers}: ${seconds(wall)} s  (${times.map((t) => seconds(t.ms)).join(', ')}); ` +
      `CPU ${seconds(cpu)} s`,
  );
}
console.log(`speed-up: ${(one / two).toFixed(2)}x`);
const secondHalf = (times: Timing[]) => median(times.map((t) => t.secondHalfMs));
console.log(
  `second half of the runs only (compiled code): ${seconds(secondHalf(ones))} s vs ` +
    `${seconds(secondHalf(twos))} s = ${(secondHalf(ones) / secondHalf(twos)).toFixed(2)}x`,
);
// Steady state: the second half's runs per second, per worker (what a sweep's size pays for).
const halfRuns = runs.length - Math.ceil(runs.length / 2);
for (const [workers, times] of [
  [1, ones],
  [2, twos],
] as const) {
  const perWorker = halfRuns / (secondHalf(times) / 1000) / workers;
  console.log(`steady-state runs/s per worker, --workers ${workers}: ${perWorker.toFixed(1)}`);
}
console.log(`identical rows: ${identical ? 'yes' : 'NO'}`);
if (!identical) process.exitCode = 1;
