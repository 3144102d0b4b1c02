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
import type { RunRow, RunSpec } from './runs.js';

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

/** Specs queued at each worker at once. */
const IN_FLIGHT = 2;

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
  const queue = [...specs];
  const byIndex = new Map(specs.map((s) => [s.index, s]));
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
    const count = Math.max(1, Math.min(workers, queue.length));
    if (queue.length === 0) {
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
        // A larger young generation: fewer scavenges of the simulation's short-lived objects.
        resourceLimits: { maxYoungGenerationSizeMb: 64 },
      });
      threads.push(worker);
      active++;
      let inFlight = 0;
      // Keeps IN_FLIGHT specs queued at each worker, so it never idles waiting for the main thread.
      const feed = () => {
        while (inFlight < IN_FLIGHT && !stopped) {
          const next = queue.shift();
          if (next === undefined) break;
          inFlight++;
          worker.postMessage(next);
        }
        if (inFlight === 0) {
          active--;
          void worker.terminate();
          if (active === 0 && !stopped) resolve();
        }
      };
      worker.on(
        'message',
        (msg: { ok: true; row: RunRow } | { ok: false; index: number; message: string }) => {
          inFlight--;
          if (!msg.ok) {
            reject(new RunFailedError(byIndex.get(msg.index) as RunSpec, msg.message));
            void stop();
            return;
          }
          onRow(msg.row);
          feed();
        },
      );
      worker.on('error', (error) => {
        reject(error);
        void stop();
      });
      feed();
    }
  });
  return { done, stop };
}
