/**
 * Everything a run checks before its first simulation, so that whatever cannot be done correctly
 * is refused with exit 2 and nothing written: scenario names that collide, rows to resume that
 * came from other inputs, the regression baseline, the timeline seed, and the output targets.
 */

import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { validateBaseline } from '../results/check.js';
import { formatParam } from '../results/format.js';
import type { LoadedScenario } from '../scenario-file/load.js';
import { changedInputs, synktiVersion } from '../scenario-file/provenance.js';
import type { RunRow, RunSpec } from '../sweep/runs.js';
import { readRecord } from './output-dir.js';

/** Refuses two files that name the same scenario with different content. */
export function checkDistinctNames(loaded: readonly LoadedScenario[]): void {
  const byName = new Map<string, LoadedScenario>();
  for (const s of loaded) {
    const other = byName.get(s.name);
    if (other && other.inputs.inputsHash !== s.inputs.inputsHash) {
      throw new InputError(
        `${other.file} and ${s.file} both name scenario "${s.name}" but differ ` +
          `(${changedInputs(other.inputs, s.inputs).join(', ')}); give one another "name"`,
      );
    }
    byName.set(s.name, s);
  }
}

/**
 * Refuses to resume onto rows of `out` that other inputs or another Synkti version produced,
 * naming the file that changed when `out` recorded it.
 */
export function checkResume(
  out: string,
  rows: readonly RunRow[],
  loaded: readonly LoadedScenario[],
): void {
  const record = readRecord(out);
  for (const s of loaded) {
    const stale = rows.find(
      (r) =>
        r.scenario === s.name &&
        (r.inputsHash !== s.inputs.inputsHash || r.version !== synktiVersion()),
    );
    if (stale === undefined) continue;
    if (stale.version !== synktiVersion()) {
      throw new InputError(
        `--resume: ${out} holds runs of "${s.name}" made by Synkti ${stale.version ?? '(unknown)'}, ` +
          `this is ${synktiVersion()}; rerun without --resume`,
      );
    }
    const before = record?.scenarios.find((x) => x.name === s.name);
    const what = before ? changedInputs(before, s.inputs).join(', ') : 'its inputs';
    throw new InputError(
      `--resume: ${out} holds runs of "${s.name}" from other inputs (inputs hash ` +
        `${stale.inputsHash ?? '(none)'}, now ${s.inputs.inputsHash}): ${what} changed since; ` +
        'rerun without --resume, or into another --out',
    );
  }
}

/** The runs.csv group of a run spec (see check.ts `groupOfCsvRow`), given every swept path. */
function groupOfSpec(spec: RunSpec, paramPaths: readonly string[]): string {
  return [
    `scenario=${spec.scenario}`,
    ...paramPaths.map((p) => `param_${p}=${formatParam(spec.params[p])}`),
    `policy=${spec.policy.label}`,
    `migration=${spec.migration}`,
  ].join(' ');
}

/** Validates `--check`'s baseline against what this run will produce. */
export function checkBaseline(
  file: string,
  loaded: readonly LoadedScenario[],
  runs: readonly RunSpec[],
): void {
  const paths = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
  const groups = [...new Set(runs.map((r) => groupOfSpec(r, paths)))];
  validateBaseline(file, new Map(loaded.map((s) => [s.name, s.inputs.inputsHash])), groups);
}

/**
 * Refuses an output target that cannot be written: `dir` must be a directory or creatable in a
 * writable directory; a file target's directory must exist and be writable.
 */
export function checkWritable(target: string, kind: 'directory' | 'file', option: string): void {
  const full = path.resolve(target);
  if (existsSync(full)) {
    const isDir = statSync(full).isDirectory();
    if (kind === 'directory' && !isDir) {
      throw new InputError(`${option} ${target}: exists and is not a directory`);
    }
    if (kind === 'file' && isDir) throw new InputError(`${option} ${target}: is a directory`);
    if (kind === 'directory') {
      assertWritable(full, option, target);
      return;
    }
  }
  let parent = path.dirname(full);
  if (kind === 'directory') while (!existsSync(parent)) parent = path.dirname(parent);
  if (!existsSync(parent)) {
    throw new InputError(`${option} ${target}: directory ${parent} does not exist`);
  }
  assertWritable(parent, option, target);
}

function assertWritable(dir: string, option: string, target: string): void {
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new InputError(`${option} ${target}: ${dir} is not writable`);
  }
}
