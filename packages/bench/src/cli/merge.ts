/**
 * `merge <dirs…>`: what may be merged. Shards must come from one invocation's run list — the
 * same Synkti version, the same inputs for every scenario, the same run-list size — and together
 * cover all of it; anything else is refused (exit 2) before anything is written.
 */

import { InputError } from '../errors.js';
import { changedInputs } from '../scenario-file/provenance.js';
import type { RunRow } from '../sweep/runs.js';
import { readRows } from '../sweep/store.js';
import { type RunRecord, readRecord } from './output-dir.js';

/** How many missing run indices a refusal lists. */
const LISTED = 5;

/**
 * The rows of `dirs` and the record of their merge.
 * @throws InputError naming the directories that disagree, or the runs and shards missing.
 */
export function checkMerge(dirs: readonly string[]): { rows: RunRow[]; record: RunRecord } {
  const found = dirs.map((dir) => {
    const record = readRecord(dir);
    if (record === undefined) {
      throw new InputError(
        `${dir}: no inputs.json: not a results directory written by synkti-bench ` +
          '(or written before it recorded its inputs); rerun that shard',
      );
    }
    const rows = readRows(dir);
    if (rows.length === 0)
      throw new InputError(`${dir}: no runs.jsonl with finished runs to merge`);
    return { dir, record, rows };
  });
  const first = found[0] as (typeof found)[number];
  for (const f of found.slice(1)) {
    if (f.record.version !== first.record.version) {
      throw new InputError(
        `${first.dir} was run by Synkti ${first.record.version}, ${f.dir} by ${f.record.version}: ` +
          'shards must come from one version',
      );
    }
    for (const s of f.record.scenarios) {
      const other = first.record.scenarios.find((x) => x.name === s.name);
      if (other === undefined || other.inputsHash !== s.inputsHash) {
        const what = other ? changedInputs(other, s).join(', ') : 'the set of scenario files';
        throw new InputError(
          `${first.dir} and ${f.dir} hold runs of "${s.name}" from different inputs (${what} ` +
            'differ): shards must come from the same files',
        );
      }
    }
    if (f.record.runsTotal !== first.record.runsTotal) {
      throw new InputError(
        `${first.dir} is a shard of ${first.record.runsTotal} runs, ${f.dir} of ` +
          `${f.record.runsTotal}: shards must come from one run list`,
      );
    }
  }
  for (const f of found) {
    const stray = f.rows.find((r) => {
      const s = f.record.scenarios.find((x) => x.name === r.scenario);
      return s === undefined || s.inputsHash !== r.inputsHash || r.version !== f.record.version;
    });
    if (stray) {
      throw new InputError(
        `${f.dir}: run ${stray.index} (${stray.key}) does not match the inputs its inputs.json records`,
      );
    }
  }
  const rows = found.flatMap((f) => f.rows);
  const total = first.record.runsTotal;
  const have = new Set(rows.map((r) => r.index));
  const missing: number[] = [];
  for (let k = 0; k < total; k++) if (!have.has(k)) missing.push(k);
  if (missing.length > 0) {
    const count = first.record.shard?.count;
    const shards =
      count === undefined
        ? ''
        : `; missing shard(s): ${[...new Set(missing.map((k) => `${k % count}/${count}`))].join(', ')}`;
    throw new InputError(
      `merge: the directories hold ${have.size} of the ${total} runs; missing ${missing.length}, ` +
        `e.g. run ${missing.slice(0, LISTED).join(', ')}${shards}`,
    );
  }
  return { rows, record: { ...first.record, shard: undefined, complete: false } };
}
