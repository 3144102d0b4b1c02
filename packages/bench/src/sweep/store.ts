/**
 * The finished-runs log of a results directory: `runs.jsonl` keeps every finished run (one JSON
 * line each, appended as runs finish, so Ctrl-C loses nothing and `--resume` skips them). The
 * rest of the output set is written by results-dir.ts.
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

/** Rewrites runs.jsonl with exactly `rows`, atomically. */
export function writeRows(dir: string, rows: readonly RunRow[]): void {
  mkdirSync(dir, { recursive: true });
  writeAtomic(path.join(dir, RUNS_JSONL), rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}
