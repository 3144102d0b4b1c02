/**
 * Runs specs on worker threads. Completion order varies with timing; callers order results by
 * run index, so outputs do not depend on the worker count.
 */

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Scenario } from '@synkti/sim-core';
import { buildSync } from 'esbuild';
import { typeScriptLoader } from './policy-modules.js';
import { type RunRow, type RunSpec, rowOf } from './runs.js';

/** The worker module beside this one: `.ts` sources (run through tsx), or built `.js`. */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_ENTRY = new URL(FROM_SOURCE ? './worker.ts' : './worker.js', import.meta.url);

let workerBundle: string | undefined;

/**
 * The worker's code as one script, bundled with esbuild once per process. A worker started
 * from it skips module resolution, tsx's loader and Node's CommonJS export scan: it returns
 * its first run in about 60 ms instead of 250 ms, which matters because every sweep starts
 * fresh workers and `npm run bench:sweep` counts that start in both of its timings. From
 * sources, packages resolve to their TypeScript (`@synkti/source`), as the main thread does.
 */
function workerCode(): string {
  workerBundle ??= (
    buildSync({
      entryPoints: [fileURLToPath(WORKER_ENTRY)],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      conditions: FROM_SOURCE ? ['@synkti/source'] : [],
      write: false,
      logLevel: 'silent',
    }).outputFiles[0] as { text: string }
  ).text;
  return workerBundle;
}

/**
 * Each worker's young generation ceiling, MB (V8 makes it three semi-spaces: 64 MB each). A
 * run's objects die young, but with a 64 MB ceiling (21 MB semi-spaces) V8 fell, in 8 of 10
 * plain `node` runs of the default sweep, into a regime where every scavenge promotes what
 * survives it: 230-320 MB promoted instead of 8, 1.1-1.6 s of pauses instead of 0.3, a third
 * fewer runs per second (docs/scale.md). From 48 MB semi-spaces up it did not happen.
 */
const YOUNG_GENERATION_MB = 192;

/** Batches queued at each worker at once. */
const IN_FLIGHT = 2;
/**
 * Most specs in one message. A message costs both threads a wake-up and a structured clone, and
 * a default-scenario run only about 1.4 ms: sending runs one by one cost the main thread a tenth
 * of a core with two workers (docs/scale.md). Batches shrink as the queue empties, down to one
 * spec, so the last runs still spread over all workers.
 */
const MAX_BATCH = 8;

/** The size of the next batch when `queued` specs are left for `workers` workers. */
export function batchSize(queued: number, workers: number): number {
  return Math.max(1, Math.min(MAX_BATCH, Math.floor(queued / (4 * workers * IN_FLIGHT))));
}

/**
 * A worker's answer to one batch: the metrics of its runs in order (the rest of each row is its
 * spec's, which the main thread holds), then, if a run failed, its message: the failed run is
 * the batch's next one.
 */
export interface BatchReply {
  readonly metrics: readonly RunRow['metrics'][];
  readonly failed?: string;
}

/** Thrown when a run fails inside a worker; names the run. */
export class RunFailedError extends Error {
  constructor(spec: RunSpec, message: string) {
    super(`run ${spec.index} (${spec.key}) failed: ${message}`);
    this.name = 'RunFailedError';
  }
}

/** A running pool; `stop()` terminates the workers (Ctrl-C). */
export interface PoolHandle {
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs `specs` on `workers` threads, calling `onRow` as each finishes (in completion order).
 * Rejects on the first failed run, after stopping the other workers.
 */
export function runPool(
  specs: readonly RunSpec[],
  scenarios: readonly Scenario[],
  workers: number,
  onRow: (row: RunRow) => void,
  checkInvariants = false,
  /** The user's policy modules (--policy-module), imported by every worker before its runs. */
  policyModules: readonly string[] = [],
): PoolHandle {
  /** The specs not sent yet are `specs[sent]` onward (no array shifting: sweeps can be large). */
  let sent = 0;
  const threads: Worker[] = [];
  let stopped = false;
  // Settles `done` from outside the executor: stop() resolves it once the workers are gone.
  let settle: () => void = () => {};
  const stop = async () => {
    stopped = true;
    await Promise.all(threads.map((t) => t.terminate()));
    settle(); // no-op when `done` already settled (a failed run rejected it first)
  };
  const done = new Promise<void>((resolve, reject) => {
    settle = resolve;
    let active = 0;
    const count = Math.max(1, Math.min(workers, specs.length));
    if (specs.length === 0) {
      resolve();
      return;
    }
    for (let k = 0; k < count; k++) {
      const worker = new Worker(workerCode(), {
        eval: true,
        workerData: {
          scenarios,
          checkInvariants,
          policyModules: policyModules.map((f) => path.resolve(f)),
          tsLoader: policyModules.length > 0 ? typeScriptLoader() : undefined,
        },
        resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      });
      threads.push(worker);
      active++;
      let inFlight = 0;
      /** The batches sent to this worker and not answered yet, oldest first. */
      const batches: RunSpec[][] = [];
      // Keeps IN_FLIGHT batches queued at each worker, so it never idles waiting for the main
      // thread.
      const feed = () => {
        while (inFlight < IN_FLIGHT && !stopped && sent < specs.length) {
          inFlight++;
          const batch = specs.slice(sent, sent + batchSize(specs.length - sent, count));
          sent += batch.length;
          batches.push(batch);
          worker.postMessage(batch);
        }
        if (inFlight === 0) {
          active--;
          void worker.terminate();
          if (active === 0 && !stopped) resolve();
        }
      };
      worker.on('message', (msg: BatchReply) => {
        inFlight--;
        // A worker answers its batches in order. Rows finished before a failure are kept (a
        // resumed sweep skips them).
        const batch = batches.shift() as RunSpec[];
        for (const [k, metrics] of msg.metrics.entries()) {
          onRow(rowOf(batch[k] as RunSpec, metrics));
        }
        if (msg.failed !== undefined) {
          reject(new RunFailedError(batch[msg.metrics.length] as RunSpec, msg.failed));
          void stop();
          return;
        }
        feed();
      });
      worker.on('error', (error) => {
        reject(error);
        void stop();
      });
      feed();
    }
  });
  return { done, stop };
}
