/**
 * `npm run bench:sweep-versus -- <other checkout> [rounds]`: steady-state sweep throughput of
 * this checkout against another one (an earlier commit), measured alternately on this machine
 * and printed side by side with their ratio.
 *
 * Each round runs `npm run bench:sweep` once in the other checkout, then once here, each in its
 * own process, so that machine noise falls on both alike; the figures are the medians over the
 * rounds of what each prints: steady-state runs per second per worker with 1 and 2 workers
 * (the second half of the default scenario's runs, once each worker's code is compiled).
 *
 * The other checkout needs its own dependencies, e.g.
 * `git worktree add ../synkti-before <commit> && (cd ../synkti-before && npm ci)`.
 */

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT } from '../src/scenario-file/traces-dir.js';
import { median } from './measure.js';

const other = process.argv[2];
const rounds = Number(process.argv[3] ?? 3);
if (other === undefined || !existsSync(path.join(other, 'package.json'))) {
  console.error(
    `expected the path of another checkout of this repository (with its package.json), got ${JSON.stringify(other)}`,
  );
  process.exit(2);
}
if (!(Number.isInteger(rounds) && rounds > 0)) {
  console.error(`rounds: expected an integer > 0, got ${JSON.stringify(process.argv[3])}`);
  process.exit(2);
}

/** Steady-state runs/s per worker, by worker count, as one `bench:sweep` in `dir` prints them. */
function measure(dir: string): Map<number, number> {
  const run = spawnSync('npm', ['run', '-s', 'bench:sweep'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (run.status !== 0) {
    console.error(`npm run bench:sweep failed in ${dir}:\n${run.stderr}`);
    process.exit(1);
  }
  const out = new Map<number, number>();
  for (const m of run.stdout.matchAll(
    /steady-state runs\/s per worker, --workers (\d+): ([\d.]+)/g,
  ))
    out.set(Number(m[1]), Number(m[2]));
  if (!(out.has(1) && out.has(2))) {
    console.error(
      `bench:sweep in ${dir} printed no steady-state figures for 1 and 2 workers (a checkout before they were added?):\n${run.stdout}`,
    );
    process.exit(1);
  }
  return out;
}

const samples = { other: [] as Map<number, number>[], here: [] as Map<number, number>[] };
for (let k = 0; k < rounds; k++) {
  samples.other.push(measure(path.resolve(other)));
  samples.here.push(measure(REPOSITORY_ROOT));
  console.error(`round ${k + 1}/${rounds} done`);
}
// measure() returned figures for 1 and 2 workers, or exited.
const at = (list: Map<number, number>[], workers: number) =>
  median(list.map((m) => m.get(workers) as number));
const figures = (list: Map<number, number>[], workers: number) =>
  list.map((m) => (m.get(workers) as number).toFixed(1)).join(', ');
console.log(
  `steady-state runs/s per worker on the default scenario, median of ${rounds} alternating rounds`,
);
console.log(`other: ${path.resolve(other)}; this: ${REPOSITORY_ROOT}`);
console.log('| workers | other | this | this ÷ other |');
console.log('|---|---|---|---|');
for (const workers of [1, 2]) {
  const a = at(samples.other, workers);
  const b = at(samples.here, workers);
  console.log(
    `| ${workers} | ${a.toFixed(1)} (${figures(samples.other, workers)}) | ${b.toFixed(1)} (${figures(samples.here, workers)}) | ${(b / a).toFixed(2)}× |`,
  );
}
