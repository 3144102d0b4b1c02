/**
 * `--check baseline.csv`: compares this run's mean savings and completions per (scenario,
 * parameters, policy, planner) with a committed runs.csv, within the scenario's tolerances.
 */

import { readFileSync } from 'node:fs';
import { mean } from '@synkti/sim-core';
import { parse } from 'csv-parse/sync';
import { InputError } from '../errors.js';

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

/** The group a runs.csv row belongs to: scenario, swept parameters, policy, planner. */
export function groupOfCsvRow(r: Row): string {
  return Object.entries(r)
    .filter(
      ([k]) => k === 'scenario' || k.startsWith('param_') || k === 'policy' || k === 'migration',
    )
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function means(rows: readonly Row[], column: string): Map<string, number> {
  const values = new Map<string, number[]>();
  for (const r of rows) {
    const v = r[column];
    if (v === undefined || v === '') continue;
    const group = groupOfCsvRow(r);
    const list = values.get(group) ?? [];
    list.push(Number(v));
    values.set(group, list);
  }
  return new Map([...values].map(([k, list]) => [k, mean(list) as number]));
}

function readCsv(file: string, text: string): Row[] {
  try {
    return parse(text, { columns: true, skip_empty_lines: true }) as Row[];
  } catch (error) {
    throw new InputError(`${file}: not a runs.csv (${(error as Error).message})`);
  }
}

/** The rows of a baseline file. @throws InputError when it cannot be read or parsed. */
function readBaseline(baselineFile: string): Row[] {
  let text: string;
  try {
    text = readFileSync(baselineFile, 'utf8');
  } catch {
    throw new InputError(
      `${baselineFile}: cannot read the baseline; write one by copying a runs.csv`,
    );
  }
  return readCsv(baselineFile, text);
}

/** Columns a baseline must have, and those of them that must hold numbers (or be empty). */
const BASELINE_COLUMNS = ['scenario', 'policy', 'migration', 'seed', 'inputs_hash'] as const;
const CHECKED_COLUMNS = ['savings_pct', 'tasks_completed'] as const;

/**
 * Validates a baseline before anything runs: a readable runs.csv of the same scenario inputs
 * (by `inputs_hash`; the Synkti version may differ: comparing versions is the gate's job), with
 * numbers in the checked columns, covering every group this run will produce.
 * @param expected Inputs hash by scenario name, for every scenario of this run.
 * @param groups Every group (as {@link groupOfCsvRow} writes it) this run will produce.
 * @throws InputError naming the file, and the line and column or the missing group.
 */
export function validateBaseline(
  baselineFile: string,
  expected: ReadonlyMap<string, string>,
  groups: readonly string[],
): void {
  const rows = readBaseline(baselineFile);
  if (rows.length === 0) throw new InputError(`${baselineFile}: no rows; a baseline is a runs.csv`);
  const header = Object.keys(rows[0] as Row);
  for (const c of [...BASELINE_COLUMNS, ...CHECKED_COLUMNS]) {
    if (!header.includes(c)) {
      throw new InputError(
        `${baselineFile}: no "${c}" column; a baseline is the runs.csv of a run of the same scenario`,
      );
    }
  }
  for (const [k, r] of rows.entries()) {
    for (const c of CHECKED_COLUMNS) {
      const v = r[c] as string;
      if (v !== '' && !Number.isFinite(Number(v))) {
        throw new InputError(
          `${baselineFile}: line ${k + 2}: ${c}: expected a number (or empty), got ${JSON.stringify(v)}`,
        );
      }
    }
    const want = expected.get(r['scenario'] as string);
    if (want !== undefined && r['inputs_hash'] !== want) {
      throw new InputError(
        `${baselineFile}: line ${k + 2}: scenario "${r['scenario']}" was run from other inputs ` +
          `(inputs_hash ${r['inputs_hash']}, now ${want}): its scenario file or a trace changed; ` +
          'regenerate the baseline from a run of the current inputs',
      );
    }
  }
  const present = new Set(rows.map(groupOfCsvRow));
  const missing = groups.filter((g) => !present.has(g));
  if (missing.length > 0) {
    throw new InputError(
      `${baselineFile}: no baseline for ${missing.length} of the ${groups.length} groups this run ` +
        `produces, e.g. ${missing[0]}; regenerate the baseline from a run of this scenario`,
    );
  }
}

/** runs.csv records as the rows csv-parse gives: one object per row, column → cell. */
export function recordsOf(records: {
  header: readonly string[];
  cells: readonly (readonly string[])[];
}): Row[] {
  return records.cells.map((cells) =>
    Object.fromEntries(records.header.map((h, k) => [h, cells[k] as string])),
  );
}

/**
 * Regressions of `current` (this run's runs.csv records, as written) against the baseline file: a group's mean savings_pct
 * below the baseline's by more than `savingsPctTolerance` points, or mean tasks_completed below
 * by more than `completionsTolerance`, or a baseline group missing. Improvements are reported
 * by the caller as moves, not failures.
 */
export function checkAgainstBaseline(
  baselineFile: string,
  current: readonly Row[],
  tolerances: { savingsPctTolerance: number; completionsTolerance: number },
): { regressions: Regression[]; moves: (Regression & { readonly current: number })[] } {
  const base = readBaseline(baselineFile);
  const now = current;
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
