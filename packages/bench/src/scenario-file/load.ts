/**
 * Reads, validates and expands a scenario file (JSON or YAML) into the runs it asks for.
 * Everything is checked before anything runs: the schema, every sweep point (as `simulate`
 * would check it), policy names and parameters, and the trace files.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  MIGRATION_PLANNERS,
  type MigrationPlanner,
  parseAvailabilityTrace,
  parseSpotPriceHistory,
  resolveScenario,
  resolveWorkload,
  type Scenario,
  ScenarioError,
} from '@synkti/sim-core';
import { InputError } from '../errors.js';
import { type ScenarioInputs, scenarioInputs } from './provenance.js';
import {
  type FileScenario,
  fileScenarioSchema,
  type ScenarioFile,
  scenarioFileSchema,
} from './schema.js';
import { checkRunCount, checkSense, MAX_EVENTS_PER_RUN } from './sense.js';
import { resolveTracesDir, traceFile } from './traces-dir.js';
import { FORBIDDEN_KEYS, readInput, schemaError } from './validated.js';

/** A policy as a run names it. */
export interface PolicyRef {
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** `name` or `name(k=v,…)`, as printed in outputs. */
  readonly label: string;
}

/** One point of the sweep. */
export interface SweepPoint {
  /** Swept parameter values by path, sorted by path. */
  readonly params: Readonly<Record<string, number | string>>;
  readonly scenario: Scenario;
}

/** A validated scenario file. */
export interface LoadedScenario {
  readonly file: string;
  readonly name: string;
  readonly points: readonly SweepPoint[];
  readonly seeds: readonly (string | number)[];
  readonly policies: readonly PolicyRef[];
  readonly migrations: readonly MigrationPlanner[];
  readonly savingsPctTolerance: number;
  readonly completionsTolerance: number;
  /** Content hashes of the file and the traces it reads (provenance.ts). */
  readonly inputs: ScenarioInputs;
}

/** The policy every savings figure is measured against. */
export const BASELINE_POLICY = 'on-demand-only';
export { MAX_RUNS } from './sense.js';

/** Names a scenario may have: they name its results directory, so no path separators. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

type SweepValues = readonly (number | string)[] | { from: number; to: number; step: number };

/** How many values a sweep entry has, counted without expanding it. */
function valueCount(v: SweepValues, file: string, key: string): number {
  if (Array.isArray(v)) return v.length;
  const r = v as { from: number; to: number; step: number }; // narrowing misses readonly arrays
  if (r.to < r.from) {
    throw new InputError(
      `${file}: sweep."${key}": expected "to" >= "from", got from ${r.from} to ${r.to} (no values)`,
    );
  }
  return Math.floor((r.to - r.from) / r.step + 1e-9) + 1;
}

function expandValues(v: SweepValues, count: number): (number | string)[] {
  if (Array.isArray(v)) return [...v];
  const r = v as { from: number; to: number; step: number };
  const out: number[] = [];
  for (let k = 0; k < count; k++) out.push(Number((r.from + k * r.step).toPrecision(12)));
  return out;
}

/** Sets `value` at a dotted path (numeric parts index arrays); the parent must exist. */
function setPath(
  root: Record<string, unknown>,
  dotted: string,
  value: number | string,
  file: string,
): void {
  const parts = dotted.split('.');
  const bad = parts.find((p) => FORBIDDEN_KEYS.has(p));
  if (bad !== undefined) {
    throw new InputError(`${file}: sweep."${dotted}": "${bad}" is not a scenario field`);
  }
  let node: unknown = root;
  for (const [i, part] of parts.slice(0, -1).entries()) {
    node = (node as Record<string, unknown> | undefined)?.[part];
    if (node === null || typeof node !== 'object') {
      throw new InputError(
        `${file}: sweep."${dotted}": no field "${parts.slice(0, i + 1).join('.')}" in scenario to sweep; ` +
          'paths start inside "scenario", e.g. "instanceTypes.0.preemption.ratePerHour"',
      );
    }
  }
  (node as Record<string, unknown>)[parts[parts.length - 1] as string] = value;
}

function policyRef(p: ScenarioFile['policies'][number], file: string, k: number): PolicyRef {
  const name = typeof p === 'string' ? p : p.name;
  const params = typeof p === 'string' ? {} : (p.params ?? {});
  const keys = Object.keys(params).sort();
  const bad = keys.find((key) => FORBIDDEN_KEYS.has(key));
  if (bad !== undefined) {
    throw new InputError(`${file}: policies[${k}].params: "${bad}" is not a parameter name`);
  }
  const label =
    keys.length === 0
      ? name
      : `${name}(${keys.map((k) => `${k}=${JSON.stringify(params[k])}`).join(',')})`;
  return { name, params, label };
}

/** Builds the `simulate` scenario of a file scenario, reading its trace files. */
function toScenario(
  fs: FileScenario,
  name: string,
  file: string,
  at: string,
  tracesDir: string | undefined,
  cache: Map<string, { parsed: unknown; text: string }>,
  traceTexts: Map<string, string>,
): Scenario {
  const traces = resolveTracesDir(tracesDir);
  const read = <T>(relative: string, parse: (text: string, source: string) => T): T => {
    const full = traceFile(relative, traces, `${file}: ${at}`);
    if (!cache.has(full)) {
      try {
        const text = readFileSync(full, 'utf8');
        cache.set(full, { parsed: parse(text, full), text });
      } catch (error) {
        // A malformed trace is bad input: say which scenario named it.
        if (error instanceof InputError) throw error;
        throw new InputError(`${file}: ${at}trace "${relative}": ${(error as Error).message}`);
      }
    }
    const entry = cache.get(full) as { parsed: T; text: string };
    traceTexts.set(relative, entry.text);
    return entry.parsed;
  };
  const instanceTypes = fs.instanceTypes.map((t) => {
    const { spotPrice, preemption, ...rest } = t;
    return {
      ...rest,
      ...(spotPrice === undefined
        ? {}
        : spotPrice.kind === 'trace'
          ? {
              spotPrice: {
                kind: 'trace' as const,
                records: read(spotPrice.file, parseSpotPriceHistory),
                availabilityZone: spotPrice.availabilityZone,
                ...(spotPrice.instanceType !== undefined
                  ? { instanceType: spotPrice.instanceType }
                  : {}),
                ...(spotPrice.productDescription !== undefined
                  ? { productDescription: spotPrice.productDescription }
                  : {}),
                ...(spotPrice.startTime !== undefined
                  ? { startSeconds: Date.parse(spotPrice.startTime) / 1000 }
                  : {}),
              },
            }
          : { spotPrice }),
      ...(preemption === undefined
        ? {}
        : preemption.kind === 'trace'
          ? {
              preemption: {
                kind: 'trace' as const,
                trace: read(preemption.file, parseAvailabilityTrace),
                ...(preemption.offsetHours === undefined
                  ? {}
                  : {
                      offsetSeconds:
                        preemption.offsetHours === 'random'
                          ? ('random' as const)
                          : preemption.offsetHours * 3600,
                    }),
              },
            }
          : { preemption }),
    };
  });
  return { ...(fs as Omit<FileScenario, 'instanceTypes'>), name, instanceTypes } as Scenario;
}

/**
 * Loads and validates one scenario file.
 * @param options `seeds`: use seeds 1..N instead of the file’s (`--seeds N`); `tracesDir`: `--traces-dir`.
 * @throws InputError naming the file, the field path, what was expected and what was found.
 */
export function loadScenario(
  file: string,
  options: {
    seeds?: number;
    tracesDir?: string;
    /** Most events a run may be estimated at (`--max-events-per-run`). */
    maxEventsPerRun?: number;
    /** Where warnings go. Default stderr. */
    warn?: (message: string) => void;
  } = {},
): LoadedScenario {
  const warn = options.warn ?? ((m: string) => process.stderr.write(`${m}\n`));
  const raw = readInput(file, 'scenario file');
  const parsed = scenarioFileSchema.safeParse(raw);
  if (!parsed.success) throw schemaError(file, parsed.error, raw);
  const spec = parsed.data;
  const name = spec.name ?? path.basename(file).replace(/\.(json|ya?ml)$/i, '');
  if (!SAFE_NAME.test(name)) {
    throw new InputError(
      `${file}: ${spec.name === undefined ? 'the file name (the default "name")' : 'name'}: expected ` +
        `1-100 letters, digits, ".", "_" or "-", starting with a letter or digit (it names the ` +
        `results directory), got ${JSON.stringify(name)}`,
    );
  }

  // Count the runs from their factors before expanding anything.
  const sweep = Object.entries(spec.sweep ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const counts = sweep.map(([p, values]) => [p, valueCount(values, file, p)] as const);
  const seedCount = options.seeds ?? (Array.isArray(spec.seeds) ? undefined : (spec.seeds ?? 10));
  const policies = spec.policies.map((p, k) => policyRef(p, file, k));
  if (!policies.some((p) => p.label === BASELINE_POLICY)) {
    policies.push({ name: BASELINE_POLICY, params: {}, label: BASELINE_POLICY });
  }
  const migrations = [...new Set(spec.migrations ?? MIGRATION_PLANNERS)];
  checkRunCount(
    file,
    counts,
    seedCount ?? (spec.seeds as unknown[]).length,
    policies.length,
    migrations.length,
  );

  // Sweep points: the cartesian product of the swept values, paths sorted.
  let combos: Record<string, number | string>[] = [{}];
  for (const [k, [p, values]] of sweep.entries()) {
    const expanded = expandValues(values, (counts[k] as readonly [string, number])[1]);
    combos = combos.flatMap((c) => expanded.map((v) => ({ ...c, [p]: v })));
  }
  const cache = new Map<string, { parsed: unknown; text: string }>();
  const traceTexts = new Map<string, string>();
  const points = combos.map((params) => {
    const copy = structuredClone(raw as { scenario: Record<string, unknown> }).scenario;
    for (const [p, v] of Object.entries(params)) setPath(copy, p, v, file);
    const at = Object.keys(params).length === 0 ? '' : `sweep point ${JSON.stringify(params)}: `;
    const checked = fileScenarioSchema.safeParse(copy);
    if (!checked.success) {
      const e = schemaError(file, checked.error, copy, ['scenario']);
      throw new InputError(at ? e.message.replace(`${file}: `, `${file}: ${at}`) : e.message);
    }
    const scenario = toScenario(checked.data, name, file, at, options.tracesDir, cache, traceTexts);
    try {
      const resolved = resolveScenario(scenario);
      const tasks = resolveWorkload(scenario.workload, 1);
      checkSense(file, at, resolved, tasks, options.maxEventsPerRun ?? MAX_EVENTS_PER_RUN, warn);
    } catch (error) {
      if (error instanceof ScenarioError)
        throw new InputError(`${file}: ${at}scenario.${error.message}`);
      throw error;
    }
    return { params, scenario };
  });

  // `--seeds N`, else the file's list, else its count (default 10): seeds 1..N.
  const seeds =
    seedCount === undefined
      ? (spec.seeds as (string | number)[])
      : Array.from({ length: seedCount }, (_, k) => k + 1);
  return {
    file,
    name,
    points,
    seeds,
    policies,
    migrations,
    savingsPctTolerance: spec.check?.savingsPctTolerance ?? 0.5,
    completionsTolerance: spec.check?.completionsTolerance ?? 0.5,
    inputs: scenarioInputs(name, file, raw, traceTexts),
  };
}
