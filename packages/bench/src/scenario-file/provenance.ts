/**
 * What a run ran: the content hashes of its scenario file and of every trace file it reads, and
 * the Synkti version. Every row carries them, so a result can be tied to the exact inputs that
 * produced it, and `--resume`, `merge` and `--check` refuse rows of other inputs instead of
 * mixing them in silently.
 *
 * - The scenario hash is SHA-256 over the file's canonical form (parsed, keys sorted, as JSON), so
 *   reformatting, reordering keys or converting JSON ↔ YAML keeps it; any change of a value
 *   changes it. `--seeds` and the other options are not part of it (each row names its seed).
 * - A trace hash is SHA-256 over the file's bytes.
 * - The inputs hash, the one rows carry, is SHA-256 over the scenario hash and the sorted
 *   (trace path, trace hash) pairs; shown as its first 16 hex digits (64 bits).
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Hex digits of the hashes shown and stored (64 bits: collisions are not a practical concern). */
const SHOWN_HEX_DIGITS = 16;

let version: string | undefined;

/**
 * The Synkti version: @synkti/bench's package version. Read on first use (worker threads, which
 * run from a bundle without `import.meta.url`, never ask).
 */
export function synktiVersion(): string {
  version ??= (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
  return version;
}

/** SHA-256 of `text`, as the shown hex digits. */
export function contentHash(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex').slice(0, SHOWN_HEX_DIGITS);
}

/** JSON with object keys sorted at every level: the canonical form of a parsed file. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );
}

/** The inputs of one scenario file. */
export interface ScenarioInputs {
  /** The scenario's name (outputs are grouped by it). */
  readonly name: string;
  /** The file as given on the command line. */
  readonly file: string;
  /** Hash of the file's canonical form. */
  readonly scenarioHash: string;
  /** Hash of each trace file read, by its path relative to the trace directory. */
  readonly traces: Readonly<Record<string, string>>;
  /** Hash over the scenario hash and the trace hashes: what rows carry. */
  readonly inputsHash: string;
}

/** Builds {@link ScenarioInputs} from the parsed file and the trace texts it read. */
export function scenarioInputs(
  name: string,
  file: string,
  parsed: unknown,
  traceTexts: ReadonlyMap<string, string>,
): ScenarioInputs {
  const scenarioHash = contentHash(canonicalJson(parsed));
  const traces = Object.fromEntries(
    [...traceTexts]
      .map(([p, text]) => [p, contentHash(text)] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return {
    name,
    file,
    scenarioHash,
    traces,
    inputsHash: contentHash(canonicalJson({ scenarioHash, traces })),
  };
}

/**
 * What differs between the inputs recorded for earlier rows and today's, one phrase per file
 * ("the scenario file x.json", "trace a.json"); empty when nothing differs.
 */
export function changedInputs(before: ScenarioInputs, now: ScenarioInputs): string[] {
  const out: string[] = [];
  if (before.scenarioHash !== now.scenarioHash) out.push(`the scenario file ${now.file}`);
  const paths = new Set([...Object.keys(before.traces), ...Object.keys(now.traces)]);
  for (const p of [...paths].sort()) {
    if (before.traces[p] !== now.traces[p]) out.push(`trace ${p}`);
  }
  return out;
}
