#!/usr/bin/env node
/**
 * `synkti-bench` (`npm run bench`): runs scenario sweeps and writes CSV comparisons.
 *
 *   npm run bench -- [scenario files…] [--out DIR] [--workers N] [--seeds N] [--check FILE]
 *                    [--shard i/N] [--resume] [--traces-dir DIR]
 *   npm run bench -- merge <dirs…> --out DIR
 *
 * Exit codes: 0 success; 1 regression found by --check, or a run failed; 2 bad input (nothing
 * is run or written); 130 interrupted (finished runs are kept for --resume).
 */

import { availableParallelism } from 'node:os';
import path from 'node:path';
import { createPolicy } from '@synkti/policies';
import { type Scenario, simulate } from '@synkti/sim-core';
import yargs from 'yargs';
import { InputError } from '../errors.js';
import type { TimelineData } from '../report/charts.js';
import { checkAgainstBaseline, recordsOf } from '../results/check.js';
import { runsCsvRecords } from '../results/runs-csv.js';
import { BASELINE_POLICY, type LoadedScenario, loadScenario } from '../scenario-file/load.js';
import { synktiVersion } from '../scenario-file/provenance.js';
import { MAX_EVENTS_PER_RUN } from '../scenario-file/sense.js';
import { REPOSITORY_ROOT } from '../scenario-file/traces-dir.js';
import { evaluatorFor } from '../sweep/evaluators.js';
import { importPolicyModules } from '../sweep/policy-modules.js';
import { runPool } from '../sweep/pool.js';
import { expandRuns, type RunRow, type RunSpec } from '../sweep/runs.js';
import { RowLog, readRows, writeAtomic, writeRows } from '../sweep/store.js';
import { checkMerge } from './merge.js';
import { lockResults, type RunRecord, startResults, writeResultSet } from './output-dir.js';
import { checkBaseline, checkDistinctNames, checkResume, checkWritable } from './preflight.js';
import { createProgress } from './progress.js';

/**
 * scenarios/default.json, as a path relative to the working directory (what `npm run bench`
 * prints and records in inputs.json), so no machine's absolute path leaks into outputs.
 */
const defaultScenario = () =>
  path.relative(process.cwd(), path.join(REPOSITORY_ROOT, 'scenarios', 'default.json'));

/** Parses `i/N` (0 ≤ i < N), or the Kubernetes Indexed Job variables. */
export function parseShard(
  value: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { index: number; count: number } | undefined {
  let text = value;
  if (text === undefined && env['JOB_COMPLETION_INDEX'] !== undefined) {
    text = `${env['JOB_COMPLETION_INDEX']}/${env['JOB_COMPLETION_COUNT'] ?? ''}`;
  }
  if (text === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index >= count) {
    throw new InputError(
      `--shard: expected i/N with 0 <= i < N (e.g. 0/4), got "${text}"` +
        (value === undefined ? ' from JOB_COMPLETION_INDEX/JOB_COMPLETION_COUNT' : ''),
    );
  }
  return { index, count };
}

async function runCommand(argv: {
  scenarios: string[];
  out: string | undefined;
  workers: number;
  seeds: number | undefined;
  check: string | undefined;
  shard: string | undefined;
  resume: boolean;
  tracesDir: string | undefined;
  /** A seed; undefined: the first seed; false (`--no-timeline`): none. */
  timeline: string | false | undefined;
  events: string | undefined;
  checkInvariants: boolean;
  maxEventsPerRun: number | undefined;
  policyModules: string[];
}): Promise<number> {
  const files = argv.scenarios.length > 0 ? argv.scenarios : [defaultScenario()];
  if (!(Number.isInteger(argv.workers) && argv.workers >= 1)) {
    throw new InputError(`--workers: expected an integer >= 1, got ${argv.workers}`);
  }
  const cores = availableParallelism();
  const workers = Math.min(argv.workers, cores);
  if (workers < argv.workers) {
    process.stderr.write(
      `--workers ${argv.workers}: this machine has ${cores} cores; using ${cores} workers ` +
        '(more threads only add memory and contention)\n',
    );
  }
  const maxEvents = argv.maxEventsPerRun;
  if (maxEvents !== undefined && !(maxEvents > 0 && Number.isFinite(maxEvents))) {
    throw new InputError(`--max-events-per-run: expected a number > 0, got ${maxEvents}`);
  }
  if (argv.seeds !== undefined && !(Number.isInteger(argv.seeds) && argv.seeds >= 1)) {
    throw new InputError(`--seeds: expected an integer >= 1, got ${argv.seeds}`);
  }
  // User policies first: the scenario files may name them.
  await importPolicyModules(argv.policyModules);
  const loaded: LoadedScenario[] = files.map((f) =>
    loadScenario(f, {
      ...(argv.seeds !== undefined ? { seeds: argv.seeds } : {}),
      ...(argv.tracesDir !== undefined ? { tracesDir: argv.tracesDir } : {}),
      ...(maxEvents !== undefined ? { maxEventsPerRun: maxEvents } : {}),
    }),
  );
  checkDistinctNames(loaded);
  const shard = parseShard(argv.shard);
  const name = loaded.length === 1 ? (loaded[0] as LoadedScenario).name : 'combined';
  const out =
    argv.out ??
    path.join('results', shard ? `${name}-shard-${shard.index}-of-${shard.count}` : name);
  const { runs, scenarios } = expandRuns(loaded);
  const mine = shard ? runs.filter((r) => r.index % shard.count === shard.index) : runs;

  // Everything that can fail is checked before the first run (preflight.ts).
  checkWritable(out, 'directory', '--out');
  if (argv.events !== undefined) checkWritable(argv.events, 'file', '--events');
  const withTimeline = argv.timeline !== false;
  const tracedSpec =
    withTimeline || argv.events !== undefined
      ? chooseTracedRun(runs, argv.timeline === false ? undefined : argv.timeline)
      : undefined;
  if (argv.check !== undefined) checkBaseline(argv.check, loaded, runs);
  const release = lockResults(out);
  try {
    const existing = argv.resume ? readRows(out) : [];
    if (argv.resume) checkResume(out, existing, loaded);
    const wanted = new Set(mine.map((r) => r.key));
    const kept = existing.filter((r) => wanted.has(r.key));
    const done = new Set(kept.map((r) => r.key));
    const todo = mine.filter((r) => !done.has(r.key));
    process.stderr.write(
      `${loaded.map((s) => s.file).join(', ')}: ${mine.length} runs` +
        (shard ? ` (shard ${shard.index}/${shard.count} of ${runs.length})` : '') +
        (kept.length > 0 ? `, ${kept.length} already done` : '') +
        `, ${workers} worker(s) → ${out}\n`,
    );
    const record: RunRecord = {
      version: synktiVersion(),
      scenarios: loaded.map((s) => s.inputs),
      runsTotal: runs.length,
      shard,
      complete: false,
    };
    startResults(out, record, !argv.resume);
    if (argv.resume) writeRows(out, kept); // drop rows of runs this invocation does not ask for

    const log = new RowLog(out, false);
    const rows: RunRow[] = [...kept];
    const progress = createProgress(todo.length, name);
    const pool = runPool(
      todo,
      scenarios,
      workers,
      (row) => {
        log.append(row);
        rows.push(row);
        progress.tick();
      },
      argv.checkInvariants,
      argv.policyModules,
    );
    let interrupted = false;
    const onSigint = () => {
      interrupted = true;
      void pool.stop();
    };
    process.once('SIGINT', onSigint);
    try {
      await pool.done;
    } catch (error) {
      // After Ctrl-C a stopped worker may reject the pool: that is the interruption, handled below.
      if (!interrupted) {
        progress.stop();
        throw error;
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
    progress.stop();
    if (interrupted) {
      process.stderr.write(
        `\ninterrupted: ${rows.length} finished runs kept in ${out}/runs.jsonl, no other ` +
          'output written; rerun with --resume\n',
      );
      return 130;
    }

    // The final writes finish once begun: a Ctrl-C now is noted and reported after them.
    let lateInterrupt = false;
    const onLateSigint = () => {
      lateInterrupt = true;
    };
    process.on('SIGINT', onLateSigint);
    let written: Awaited<ReturnType<typeof writeResultSet>>;
    try {
      process.stderr.write(`writing the output set of ${rows.length} runs to ${out}\n`);
      // Fault injection for the test of a Ctrl-C in this window (bench/test/cli-refusals.test.ts).
      const delay = Number(process.env['SYNKTI_TEST_FINAL_WRITE_DELAY_MS'] ?? 0);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const traced = tracedSpec ? traceRun(tracedSpec, scenarios) : undefined;
      if (traced && argv.events !== undefined) {
        writeAtomic(argv.events, traced.events.map((e) => `${JSON.stringify(e)}\n`).join(''));
        process.stderr.write(`wrote the event log of ${traced.label} to ${argv.events}\n`);
      }
      written = await writeResultSet(out, rows, record, withTimeline ? traced : undefined);
    } finally {
      process.off('SIGINT', onLateSigint);
    }
    process.stdout.write(written.summary);
    process.stdout.write(`\nwrote ${out}/runs.csv, comparison.csv, summary.md, report.html\n`);
    if (lateInterrupt) {
      process.stderr.write(
        `interrupted during the final writes: they were completed first; ${out} holds the ` +
          'whole output set of this run\n',
      );
      return 130;
    }

    if (argv.check !== undefined) {
      const first = loaded[0] as LoadedScenario;
      const { regressions, moves } = checkAgainstBaseline(
        argv.check,
        recordsOf(runsCsvRecords(written.table)),
        first,
      );
      for (const m of moves) {
        process.stdout.write(
          `moved: ${m.group}: ${m.column} ${m.baseline.toFixed(3)} → ${m.current.toFixed(3)}\n`,
        );
      }
      for (const r of regressions) {
        process.stdout.write(
          r.current === undefined
            ? `REGRESSION: ${r.group}: missing from this run (baseline ${r.column} ${r.baseline.toFixed(3)})\n`
            : `REGRESSION: ${r.group}: ${r.column} ${r.baseline.toFixed(3)} → ${r.current.toFixed(3)} (tolerance ${r.tolerance})\n`,
        );
      }
      if (regressions.length > 0) return 1;
      process.stdout.write(`check against ${argv.check}: no regression\n`);
    }
    return 0;
  } finally {
    release();
  }
}

/**
 * The run `--timeline` / `--events` trace: the first sweep point, the first policy that is not
 * the baseline, the optimal planner when listed, and `seed` (default the first).
 * @throws InputError when no run has that seed (before anything runs).
 */
function chooseTracedRun(runs: readonly RunSpec[], seed: string | undefined): RunSpec {
  const candidates = runs.filter(
    (r) =>
      r.point === 0 && r.policy.name !== BASELINE_POLICY && evaluatorFor(r.policy.name).simulates,
  );
  const pool = candidates.length > 0 ? candidates : runs;
  const bySeed = seed === undefined ? pool : pool.filter((r) => String(r.seed) === seed);
  if (bySeed.length === 0) {
    throw new InputError(
      `--timeline: no run with seed ${seed}; seeds: ${[...new Set(pool.map((r) => String(r.seed)))].join(', ')}`,
    );
  }
  return bySeed.find((r) => r.migration === 'optimal') ?? (bySeed[0] as RunSpec);
}

/** Re-runs `spec` in this process with its event log. */
function traceRun(spec: RunSpec, scenarios: readonly Scenario[]): TimelineData {
  const scenario = scenarios[spec.point] as Scenario;
  const result = simulate(scenario, {
    policy: createPolicy(spec.policy.name, spec.policy.params),
    migration: spec.migration,
    seed: spec.seed,
    recordEvents: true,
  });
  return {
    label: `${spec.scenario}, ${spec.policy.label}, ${spec.migration}, seed ${spec.seed}`,
    events: result.events ?? [],
    spotPrices: result.spotPrices ?? [],
    horizonHours: scenario.horizonHours,
  };
}

async function mergeCommand(argv: { dirs: string[]; out: string }): Promise<number> {
  const { rows, record } = checkMerge(argv.dirs);
  checkWritable(argv.out, 'directory', '--out');
  const release = lockResults(argv.out);
  try {
    const { table } = await writeResultSet(argv.out, rows, record);
    process.stdout.write(
      `merged ${table.rows.length} runs from ${argv.dirs.length} directories into ${argv.out}\n`,
    );
  } finally {
    release();
  }
  return 0;
}

/** Runs the CLI on `args` (without node and script); resolves with the exit code. */
export async function main(args: string[]): Promise<number> {
  let code = 0;
  try {
    await yargs(args)
      .scriptName('synkti-bench')
      .version(synktiVersion())
      .usage('$0 [scenarios..]\n\nRun scenario sweeps of Synkti and write CSV comparisons.')
      .command(
        'merge <dirs..>',
        'combine shard result directories into what the unsharded run writes',
        (y) =>
          y
            .positional('dirs', {
              type: 'string',
              array: true,
              demandOption: true,
              describe: 'shard result directories',
            })
            .option('out', {
              type: 'string',
              demandOption: true,
              describe: 'directory to write the merged results to',
            }),
        async (a) => {
          code = await mergeCommand({ dirs: a.dirs as string[], out: a.out });
        },
      )
      .command(
        '$0 [scenarios..]',
        'run scenario files (default: scenarios/default.json)',
        (y) =>
          y
            .positional('scenarios', {
              type: 'string',
              array: true,
              describe: 'scenario files (JSON or YAML)',
            })
            .option('out', {
              type: 'string',
              describe: 'results directory (default results/<scenario name>)',
            })
            .option('workers', {
              type: 'number',
              default: availableParallelism(),
              describe: 'worker threads',
            })
            .option('seeds', {
              type: 'number',
              describe: 'use seeds 1..N instead of the scenario file’s',
            })
            .option('check', {
              type: 'string',
              describe: 'baseline runs.csv: exit 1 on a savings or completion regression',
            })
            .option('shard', {
              type: 'string',
              describe: 'run slice i/N of the run list (0-based); also JOB_COMPLETION_INDEX/COUNT',
            })
            .option('resume', {
              type: 'boolean',
              default: false,
              describe: 'skip runs already finished in the results directory',
            })
            .option('policy-module', {
              type: 'string',
              array: true,
              default: [] as string[],
              describe:
                'module (JS or TS) whose default export is { name, create(params) } (repeatable; docs/scenarios.md)',
            })
            .option('check-invariants', {
              type: 'boolean',
              default: false,
              describe: "check the model's invariants after every event (slow)",
            })
            .option('timeline', {
              type: 'string',
              describe:
                "report.html's timeline of one run: this seed (default the first); --no-timeline: none",
            })
            .option('events', {
              type: 'string',
              describe:
                'write the event log of that run (or the first) as JSON lines (docs/events.md)',
            })
            .option('max-events-per-run', {
              type: 'number',
              describe: `refuse runs estimated above this many events (default ${MAX_EVENTS_PER_RUN})`,
            })
            .option('traces-dir', {
              type: 'string',
              describe:
                'spot trace directory (default: SYNKTI_TRACES_DIR, then ../shared/data/spot-traces)',
            }),
        async (a) => {
          code = await runCommand({
            scenarios: (a.scenarios as string[] | undefined) ?? [],
            out: a.out,
            workers: a.workers,
            seeds: a.seeds,
            check: a.check,
            shard: a.shard,
            resume: a.resume,
            tracesDir: a.tracesDir,
            timeline: a.timeline as string | false | undefined,
            events: a.events,
            checkInvariants: a.checkInvariants,
            maxEventsPerRun: a.maxEventsPerRun,
            policyModules: a.policyModule,
          });
        },
      )
      .strict()
      .help()
      .fail((message, error) => {
        throw error ?? new InputError(`${message}; see --help`);
      })
      .parseAsync();
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
  return code;
}
