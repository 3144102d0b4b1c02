/**
 * `npm run bench:solver`: speed of Synkti's Hungarian solver next to the npm packages `munkres`
 * (v2) and `munkres-js`, all measured in this one run on the same seeded matrices, with a check
 * that all three reach the same optimal cost.
 *
 * munkres-js is skipped where its time, extrapolated as n^3.7 from its last measured size, would
 * exceed a minute. munkres-js cannot take Infinity, so it gets forbidden pairs as a large finite
 * cost (1e9); on these sizes a complete assignment on allowed pairs exists, so the optimum agrees.
 */

import { createRng, solveAssignment } from '@synkti/sim-core';
import munkres from 'munkres';
// @ts-expect-error munkres-js ships no type declarations
import munkresJs from 'munkres-js';
import { alternatingMedians, formatMs, once } from './measure.js';

interface Case {
  label: string;
  rows: number;
  cols: number;
  forbiddenShare: number;
}

const CASES: Case[] = [
  ...[100, 200, 500, 1000, 2000].map((n) => ({
    label: `${n}x${n}`,
    rows: n,
    cols: n,
    forbiddenShare: 0,
  })),
  ...[100, 200, 500, 1000, 2000].map((n) => ({
    label: `${n}x${n} 30% forbidden`,
    rows: n,
    cols: n,
    forbiddenShare: 0.3,
  })),
  { label: '500x1000', rows: 500, cols: 1000, forbiddenShare: 0 },
  { label: '1000x500', rows: 1000, cols: 500, forbiddenShare: 0 },
];

const SEED = 'bench-solver';
const MUNKRES_JS_BUDGET_MS = 60_000;
// munkres-js grows faster than n³ here (cache misses): extrapolate with n^3.7 to stay under budget.
const MUNKRES_JS_GROWTH_EXPONENT = 3.7;
const FORBIDDEN_FOR_MUNKRES_JS = 1e9;

// Each case runs ours and munkres alternately for about this long in all (at least 3 and at
// most 301 runs each): small matrices get many runs, so their medians are as steady as large ones.
const BUDGET_MS_PER_CASE = 1000;
// Warm-up runs per measured run: enough that both solvers reach their steady-state JIT code
// for each size before timing starts (with 2 warm-ups, 200×200 ran at 0.98 in some runs and
// 0.89 in others).
const WARMUP_SHARE = 0.25;
const MIN_REPEATS = 3;
const MAX_REPEATS = 301;

function repeatsFor(oneRunMs: number): number {
  const fit = Math.floor(BUDGET_MS_PER_CASE / (2 * Math.max(oneRunMs, 1e-3)));
  return Math.min(MAX_REPEATS, Math.max(MIN_REPEATS, fit)) | 1; // odd: a true median
}

function makeMatrix(c: Case): number[][] {
  const rng = createRng(SEED, `matrix/${c.label}`);
  return Array.from({ length: c.rows }, () =>
    Array.from({ length: c.cols }, () =>
      rng.next() < c.forbiddenShare ? Number.POSITIVE_INFINITY : rng.uniform(0, 1000),
    ),
  );
}

function costOfPairs(costs: number[][], pairs: [number, number][]): number {
  let total = 0;
  for (const [i, j] of pairs) total += (costs[i] as number[])[j] as number;
  return total;
}

function agree(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a));
}

const header = ['case', 'ours ms', 'munkres ms', 'ours/munkres', 'munkres-js ms', 'optimum agrees'];
console.log(
  `seed ${JSON.stringify(SEED)}; median wall time, ours and munkres alternating after warm-up (about ${((1 + WARMUP_SHARE) * BUDGET_MS_PER_CASE) / 1000} s per case), one process`,
);
console.log(header.join(' | '));
console.log(header.map(() => '---').join(' | '));

let munkresJsLast: { n: number; ms: number } | undefined;
let disagreements = 0;
for (const c of CASES) {
  const costs = makeMatrix(c);
  const n = Math.max(c.rows, c.cols);
  const repeats = repeatsFor(once(() => munkres(costs)).ms);
  const { a: ours, b: theirs } = alternatingMedians(
    repeats,
    () => solveAssignment(costs),
    () => munkres(costs) as [number, number][],
    Math.max(2, Math.round(WARMUP_SHARE * repeats)),
  );
  const theirsCost = costOfPairs(costs, theirs.result);
  let agrees = agree(ours.result.totalCost, theirsCost);

  let jsCell = 'skipped (> 1 min est.)';
  const predicted = munkresJsLast
    ? munkresJsLast.ms * (n / munkresJsLast.n) ** MUNKRES_JS_GROWTH_EXPONENT
    : 0;
  if (predicted <= MUNKRES_JS_BUDGET_MS) {
    const finite = costs.map((row) =>
      row.map((x) => (x === Number.POSITIVE_INFINITY ? FORBIDDEN_FOR_MUNKRES_JS : x)),
    );
    const js = once(() => munkresJs(finite) as [number, number][]);
    munkresJsLast = { n, ms: js.ms };
    jsCell = formatMs(js.ms);
    agrees &&= agree(ours.result.totalCost, costOfPairs(costs, js.result));
  }
  if (!agrees) disagreements++;
  console.log(
    [
      c.label,
      formatMs(ours.ms),
      formatMs(theirs.ms),
      (ours.ms / theirs.ms).toFixed(2),
      jsCell,
      agrees ? 'yes' : `NO (ours ${ours.result.totalCost}, munkres ${theirsCost})`,
    ].join(' | '),
  );
}
if (disagreements > 0) {
  console.error(`${disagreements} case(s) where the solvers disagree on the optimal cost`);
  process.exitCode = 1;
}
