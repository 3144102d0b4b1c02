/**
 * `npm run validate:cbl [-- --reference <csv>] [--traces-dir <dir>]`: runs Synkti on every
 * window of the Can't Be Late authors' reference runs (validation/cbl-reference.ts) and prints,
 * per trace × policy × restart overhead, both sides' mean cost ÷ on-demand, the difference of
 * means, per-window median / p90 / max |Δ|, the share of windows within 1%, deadline misses on
 * each side, and CPU µs per Synkti run for each policy.
 *
 * Exit codes: 0 agreement within the tolerances (or, outside CI, no reference file: skipped with
 * a warning); 1 a tolerance is broken (each listed), or the reference is missing in CI; 2 bad
 * input (a malformed reference, a missing trace).
 */

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type AvailabilityTraceData, parseAvailabilityTrace } from '@synkti/sim-core';
import { InputError } from '../src/errors.js';
import { REPOSITORY_ROOT, resolveTracesDir, traceFile } from '../src/scenario-file/traces-dir.js';
import {
  agreement,
  CBL_POLICIES,
  CBL_TOLERANCES,
  type CblStrategy,
  compareWindows,
  parseReference,
  type ReferenceRun,
  referenceTraceFile,
  runWindow,
  toleranceFailures,
} from '../src/validation/cbl-reference.js';

/** Default reference file, relative to the repository root. */
const DEFAULT_REFERENCE = '../shared/data/cbl-reference/peer-runs-2023.csv';

function main(): number {
  const { values } = parseArgs({
    options: { reference: { type: 'string' }, 'traces-dir': { type: 'string' } },
  });
  const reference = path.resolve(
    values.reference ??
      process.env['SYNKTI_CBL_REFERENCE'] ??
      path.join(REPOSITORY_ROOT, DEFAULT_REFERENCE),
  );
  if (!existsSync(reference)) {
    const message = `Can't Be Late reference runs not found at ${reference} (pass --reference <csv> or set SYNKTI_CBL_REFERENCE)`;
    if (process.env['CI']) {
      console.error(`validate:cbl: ${message}`);
      return 1;
    }
    console.warn(`validate:cbl: skipped: ${message}`);
    return 0;
  }
  const runs = parseReference(readFileSync(reference, 'utf8'), reference);
  const traces = resolveTracesDir(values['traces-dir']);
  const loaded = new Map<string, AvailabilityTraceData>();
  for (const r of runs) {
    if (loaded.has(r.trace)) continue;
    const file = traceFile(referenceTraceFile(r.trace), traces, reference);
    const trace = parseAvailabilityTrace(readFileSync(file, 'utf8'), file);
    if (trace.gapSeconds !== r.gapSeconds) {
      throw new InputError(
        `${reference}: trace ${r.trace}: gap_seconds ${r.gapSeconds} but ${file} has ${trace.gapSeconds}`,
      );
    }
    loaded.set(r.trace, trace);
  }

  const cpuMicros = new Map<CblStrategy, { total: number; runs: number }>();
  const timed = (r: ReferenceRun) => {
    const before = process.cpuUsage();
    const result = runWindow(loaded.get(r.trace) as AvailabilityTraceData, r);
    const used = process.cpuUsage(before);
    const t = cpuMicros.get(r.strategy) ?? { total: 0, runs: 0 };
    t.total += used.user + used.system;
    t.runs++;
    cpuMicros.set(r.strategy, t);
    return result;
  };
  const groups = agreement(compareWindows(runs, timed));

  const pct = (x: number) => `${(100 * x).toFixed(3)}%`;
  console.log(`# Agreement with the Can't Be Late simulator\n\nReference: ${reference}\n`);
  console.log(
    '| trace | policy | d (h) | windows | theirs: mean cost ÷ on-demand | ours | Δ of means | median abs Δ | p90 abs Δ | max abs Δ | within 1% | misses (theirs, ours) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const g of groups) {
    console.log(
      `| ${g.trace} | ${CBL_POLICIES[g.strategy]} | ${g.restartOverheadHours} | ${g.windows} | ${g.theirsMean.toFixed(4)} | ${g.oursMean.toFixed(4)} | ${pct(g.meanRelativeDifference)} | ${pct(g.medianAbsRelative)} | ${pct(g.p90AbsRelative)} | ${pct(g.maxAbsRelative)} | ${(100 * g.withinOnePercent).toFixed(1)}% | ${g.theirsMisses}, ${g.oursMisses} |`,
    );
  }
  console.log('\nSynkti CPU time per run (user + system):\n');
  for (const [strategy, t] of cpuMicros) {
    console.log(`- ${CBL_POLICIES[strategy]}: ${Math.round(t.total / t.runs)} µs (${t.runs} runs)`);
  }
  const failures = groups.flatMap((g) =>
    toleranceFailures(g).map(
      (f) => `${g.trace} ${CBL_POLICIES[g.strategy]} d=${g.restartOverheadHours} h: ${f}`,
    ),
  );
  const t = CBL_TOLERANCES;
  console.log(
    `\nTolerances: |Δ of means| ≤ ${100 * t.meanRelativeDifference}%, ≥ ${100 * t.withinOnePercent}% of windows within 1%, no miss the authors' simulator does not have.`,
  );
  if (failures.length > 0) {
    console.log(`\nOutside the tolerances:\n${failures.map((f) => `- ${f}`).join('\n')}`);
    return 1;
  }
  console.log('All groups agree within the tolerances.');
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  if (!(error instanceof InputError)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
