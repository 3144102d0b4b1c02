/**
 * `npm run bench:sweep`: speed-up of 2 workers over 1 on the default scenario, measured in one
 * run (the worker pool only: process start-up and scenario loading are the same for both and
 * excluded). Also checks that both produce the same rows.
 */

import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadScenario } from '../load-scenario.js';
import { runsCsv } from '../outputs.js';
import { runPool } from '../pool.js';
import { expandRuns, type RunRow } from '../runs.js';
import { REPOSITORY_ROOT } from '../traces-dir.js';

const file = process.argv[2] ?? path.join(REPOSITORY_ROOT, 'scenarios', 'default.json');
const loaded = loadScenario(file);
const { runs, scenarios } = expandRuns([loaded]);

async function timed(workers: number): Promise<{ ms: number; csv: string }> {
  const rows: RunRow[] = [];
  const start = performance.now();
  await runPool(runs, scenarios, workers, (r) => rows.push(r)).done;
  const ms = performance.now() - start;
  return { ms, csv: runsCsv(rows.sort((a, b) => a.index - b.index)) };
}

const REPEATS = 3;
await timed(2); // warm-up: bundles the worker code and loads everything the main thread needs
const ones: number[] = [];
const twos: number[] = [];
let identical = true;
let reference: string | undefined;
// Alternate 1 and 2 workers so that machine noise falls on both alike; report medians.
for (let k = 0; k < REPEATS; k++) {
  for (const [workers, times] of [
    [1, ones],
    [2, twos],
  ] as const) {
    const t = await timed(workers);
    times.push(t.ms);
    reference ??= t.csv;
    identical &&= t.csv === reference;
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const one = median(ones);
const two = median(twos);
console.log(`${file}: ${runs.length} runs, median of ${REPEATS} alternating measurements`);
console.log(
  `--workers 1: ${(one / 1000).toFixed(2)} s  (${ones.map((x) => (x / 1000).toFixed(2)).join(', ')})`,
);
console.log(
  `--workers 2: ${(two / 1000).toFixed(2)} s  (${twos.map((x) => (x / 1000).toFixed(2)).join(', ')})`,
);
console.log(`speed-up: ${(one / two).toFixed(2)}x (target >= 1.7x on 2 cores)`);
console.log(`identical rows: ${identical ? 'yes' : 'NO'}`);
if (!identical) process.exitCode = 1;
