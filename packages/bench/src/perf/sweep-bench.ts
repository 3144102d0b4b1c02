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

await timed(2); // warm the file cache and JIT paths of the loader
const one = await timed(1);
const two = await timed(2);
console.log(`${file}: ${runs.length} runs`);
console.log(`--workers 1: ${(one.ms / 1000).toFixed(2)} s`);
console.log(`--workers 2: ${(two.ms / 1000).toFixed(2)} s`);
console.log(`speed-up: ${(one.ms / two.ms).toFixed(2)}x (target >= 1.7x on 2 cores)`);
console.log(`identical rows: ${one.csv === two.csv ? 'yes' : 'NO'}`);
if (one.csv !== two.csv) process.exitCode = 1;
