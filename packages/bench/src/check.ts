/**
 * `--check baseline.csv`: compares this run's mean savings and completions per (scenario,
 * parameters, policy, planner) with a committed runs.csv, within the scenario's tolerances.
 */

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { InputError } from './errors.js';

/** One moved figure. */
export interface Regression {
  readonly group: string;
  readonly column: string;
  readonly baseline: number;
  /** This run's mean; undefined when the group is missing from this run. */
  readonly current: number | undefined;
  readonly tolerance: number;
}

type Row = Record<string, string>;

function means(rows: readonly Row[], column: string): Map<string, number> {
  const sums = new Map<string, { s: number; n: number }>();
  for (const r of rows) {
    const group = Object.entries(r)
      .filter(
        ([k]) => k === 'scenario' || k.startsWith('param_') || k === 'policy' || k === 'migration',
      )
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const v = r[column];
    if (v === undefined || v === '') continue;
    const acc = sums.get(group) ?? { s: 0, n: 0 };
    acc.s += Number(v);
    acc.n += 1;
    sums.set(group, acc);
  }
  return new Map([...sums].map(([k, { s, n }]) => [k, s / n]));
}

function readCsv(file: string, text: string): Row[] {
  try {
    return parse(text, { columns: true, skip_empty_lines: true }) as Row[];
  } catch (error) {
    throw new InputError(`${file}: not a runs.csv (${(error as Error).message})`);
  }
}

/**
 * Regressions of `current` (runs.csv text) against the baseline file: a group's mean savings_pct
 * below the baseline's by more than `savingsPctTolerance` points, or mean tasks_completed below
 * by more than `completionsTolerance`, or a baseline group missing. Improvements are reported
 * by the caller as moves, not failures.
 */
export function checkAgainstBaseline(
  baselineFile: string,
  current: string,
  tolerances: { savingsPctTolerance: number; completionsTolerance: number },
): { regressions: Regression[]; moves: (Regression & { readonly current: number })[] } {
  let text: string;
  try {
    text = readFileSync(baselineFile, 'utf8');
  } catch {
    throw new InputError(
      `${baselineFile}: cannot read the baseline; write one by copying a runs.csv`,
    );
  }
  const base = readCsv(baselineFile, text);
  const now = readCsv('current runs', current);
  const regressions: Regression[] = [];
  const moves: (Regression & { readonly current: number })[] = [];
  for (const [column, tolerance] of [
    ['savings_pct', tolerances.savingsPctTolerance],
    ['tasks_completed', tolerances.completionsTolerance],
  ] as const) {
    const b = means(base, column);
    const c = means(now, column);
    for (const [group, baseline] of b) {
      const cur = c.get(group);
      if (cur === undefined) {
        regressions.push({ group, column, baseline, current: undefined, tolerance });
        continue;
      }
      const entry = { group, column, baseline, current: cur, tolerance };
      if (cur < baseline - tolerance) regressions.push(entry);
      else if (Math.abs(cur - baseline) > 1e-9) moves.push(entry);
    }
  }
  return { regressions, moves };
}
