/**
 * The results directory: `runs.jsonl` keeps every finished run (one JSON line each, appended as
 * runs finish, so Ctrl-C loses nothing and `--resume` skips them); the CSV and Markdown outputs
 * are written atomically (temporary file, then rename) from the complete set of rows.
 */

import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { comparisonCsv, runsCsv, summaryMarkdown } from './outputs.js';
import type { TimelineData } from './report/charts.js';
import { reportHtml } from './report/report-html.js';
import type { RunRow } from './runs.js';

/** The finished-runs log in a results directory. */
export const RUNS_JSONL = 'runs.jsonl';

/** Writes `text` to `file` atomically: readers see the old file or the new one, never half. */
export function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Reads the finished rows of a results directory (none if it has no runs.jsonl). */
export function readRows(dir: string): RunRow[] {
  const file = path.join(dir, RUNS_JSONL);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line, k) => {
      try {
        return [JSON.parse(line) as RunRow];
      } catch {
        // A line cut short by a kill: that run is simply redone.
        console.warn(`${file}: line ${k + 1} is incomplete; that run will be redone`);
        return [];
      }
    });
}

/** Appends finished rows to runs.jsonl as they come. */
export class RowLog {
  readonly #file: string;

  constructor(dir: string, fresh: boolean) {
    mkdirSync(dir, { recursive: true });
    this.#file = path.join(dir, RUNS_JSONL);
    if (fresh) rmSync(this.#file, { force: true });
  }

  append(row: RunRow): void {
    appendFileSync(this.#file, `${JSON.stringify(row)}\n`);
  }
}

/** Sorts rows by run index, drops duplicates (by key), and writes every output atomically. */
export async function writeOutputs(
  dir: string,
  rows: readonly RunRow[],
  timeline?: TimelineData,
): Promise<RunRow[]> {
  const unique = new Map<string, RunRow>();
  for (const r of rows) unique.set(r.key, r);
  const sorted = [...unique.values()].sort((a, b) => a.index - b.index);
  mkdirSync(dir, { recursive: true });
  writeAtomic(path.join(dir, RUNS_JSONL), sorted.map((r) => `${JSON.stringify(r)}\n`).join(''));
  writeAtomic(path.join(dir, 'runs.csv'), runsCsv(sorted));
  writeAtomic(path.join(dir, 'comparison.csv'), comparisonCsv(sorted));
  writeAtomic(path.join(dir, 'summary.md'), summaryMarkdown(sorted));
  writeAtomic(path.join(dir, 'report.html'), await reportHtml(sorted, timeline));
  return sorted;
}
