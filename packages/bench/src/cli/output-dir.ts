/**
 * A results directory as one unit: who may write it, what produced it, and an output set that
 * always comes from one run.
 *
 * - **Lock.** `<out>.lock` (beside the directory, which is swapped) holds the writer's PID,
 *   created exclusively. A second writer is refused; a lock whose PID is gone (a killed run) is
 *   taken over with a note on stderr.
 * - **inputs.json** records the Synkti version, each scenario's inputs (provenance.ts), the size
 *   of the full run list, the shard, and whether the output set is complete.
 * - **The output set** (runs.jsonl, runs.csv, comparison.csv, summary.md, report.html,
 *   inputs.json) is written whole into `<out>.tmp-<pid>` and swapped in for the old directory,
 *   so readers see the old set or the new one, never a mix. Files that are not outputs (e.g.
 *   results/ci/baseline.csv) are carried over. A fresh (not `--resume`) run removes the old
 *   output set when it starts, so an interrupted run leaves only its finished runs
 *   (runs.jsonl) and an incomplete inputs.json, never another run's CSVs beside them.
 */

import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { TimelineData } from '../report/charts.js';
import { reportHtml } from '../report/report-html.js';
import { comparisonCsv } from '../results/comparison-csv.js';
import { runsCsv } from '../results/runs-csv.js';
import { summaryMarkdown } from '../results/summary-md.js';
import { type ResultTable, resultTable } from '../results/table.js';
import type { ScenarioInputs } from '../scenario-file/provenance.js';
import type { RunRow } from '../sweep/runs.js';
import { RUNS_JSONL } from '../sweep/store.js';

/** The provenance file of a results directory. */
export const INPUTS_JSON = 'inputs.json';

/** Every file of the output set. */
export const OUTPUT_SET = [
  RUNS_JSONL,
  'runs.csv',
  'comparison.csv',
  'summary.md',
  'report.html',
  INPUTS_JSON,
] as const;

/** What inputs.json records. */
export interface RunRecord {
  readonly version: string;
  readonly scenarios: readonly ScenarioInputs[];
  /** Runs in the full (unsharded) run list of the invocation. */
  readonly runsTotal: number;
  readonly shard: { readonly index: number; readonly count: number } | undefined;
  /** Whether runs.csv and the rest were written from this run's rows. */
  readonly complete: boolean;
}

/** Reads a directory's inputs.json; undefined when it has none. */
export function readRecord(dir: string): RunRecord | undefined {
  const file = path.join(dir, INPUTS_JSON);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Locks `out` for this process until the returned release is called (or the process exits).
 * @throws InputError when another live process holds the lock.
 */
export function lockResults(out: string): () => void {
  const lock = `${path.resolve(out)}.lock`;
  mkdirSync(path.dirname(lock), { recursive: true });
  const mine = `${process.pid}\n`;
  try {
    writeFileSync(lock, mine, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
      throw new InputError(
        `${out}: another synkti-bench (PID ${holder}) is writing these results; wait for it or ` +
          `stop it (its lock is ${lock})`,
      );
    }
    process.stderr.write(
      `${out}: taking over the lock of PID ${Number.isInteger(holder) ? holder : '?'}, which is gone\n`,
    );
    writeFileSync(lock, mine);
  }
  const release = () => {
    try {
      if (readFileSync(lock, 'utf8') === mine) rmSync(lock, { force: true });
    } catch {
      // already gone
    }
  };
  process.once('exit', release);
  return () => {
    process.off('exit', release);
    release();
  };
}

/**
 * Prepares `out` for a run: a fresh run removes the previous output set; both record the run
 * (incomplete) in inputs.json.
 */
export function startResults(out: string, record: RunRecord, fresh: boolean): void {
  mkdirSync(out, { recursive: true });
  if (fresh) for (const f of OUTPUT_SET) rmSync(path.join(out, f), { force: true });
  writeFileSync(path.join(out, INPUTS_JSON), `${JSON.stringify(record, null, 2)}\n`);
}

/**
 * Writes the whole output set from `rows` (sorted by run index, duplicates by key dropped) into a
 * temporary directory and swaps it in for `out` (see the file comment). Returns the result table
 * every output was written from, and summary.md's text.
 */
export async function writeResultSet(
  out: string,
  rows: readonly RunRow[],
  record: RunRecord,
  timeline?: TimelineData,
): Promise<{ table: ResultTable; summary: string }> {
  const unique = new Map<string, RunRow>();
  for (const r of rows) unique.set(r.key, r);
  const sorted = [...unique.values()].sort((a, b) => a.index - b.index);
  const table = resultTable(sorted);
  const summary = summaryMarkdown(table);
  const files: Record<(typeof OUTPUT_SET)[number], string> = {
    [RUNS_JSONL]: sorted.map((r) => `${JSON.stringify(r)}\n`).join(''),
    'runs.csv': runsCsv(table),
    'comparison.csv': comparisonCsv(table),
    'summary.md': summary,
    'report.html': await reportHtml(table, timeline),
    [INPUTS_JSON]: `${JSON.stringify({ ...record, complete: true }, null, 2)}\n`,
  };
  const target = path.resolve(out);
  const tmp = `${target}.tmp-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(tmp, name), text);
  if (existsSync(target)) {
    const outputs = new Set<string>(OUTPUT_SET);
    for (const entry of readdirSync(target)) {
      if (!outputs.has(entry)) renameSync(path.join(target, entry), path.join(tmp, entry));
    }
    renameSync(target, old);
  }
  renameSync(tmp, target);
  rmSync(old, { recursive: true, force: true });
  return { table, summary };
}
