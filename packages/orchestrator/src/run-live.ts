/**
 * `runLive`: a scenario through the orchestrator on the emulated cloud, to the horizon. The
 * driver owns time. On the virtual clock it moves to the earliest of the cloud's next happening
 * and the orchestrator's next timer, hands the cloud's events to the orchestrator, fires one
 * timer, and awaits the cloud work that timer queued before anything else happens; so a run is
 * deterministic, and as fast as the CPU allows.
 */

import {
  type MigrationPlanner,
  resolveScenario,
  resolveWorkload,
  type Scenario,
  type SchedulingPolicy,
} from '@synkti/sim-core';
import { VirtualClock } from './clock.js';
import { EmulatedCloud } from './cloud/emulated-cloud.js';
import { Orchestrator } from './core/orchestrator.js';
import { type LiveSummary, summarize } from './core/summary.js';
import { LiveStore } from './store/store.js';

/** What a live run needs. */
export interface RunLiveOptions {
  readonly scenario: Scenario;
  readonly seed: string | number;
  readonly policy: SchedulingPolicy;
  readonly migration: MigrationPlanner;
  /** The store's directory. */
  readonly stateDir: string;
}

/** What a live run leaves. */
export interface LiveRun {
  readonly summary: LiveSummary;
  readonly orchestrator: Orchestrator;
  readonly cloud: EmulatedCloud;
  readonly store: LiveStore;
}

/** Runs `scenario` live on the virtual clock. The store stays open for the caller to read. */
export async function runLive(options: RunLiveOptions): Promise<LiveRun> {
  const scenario = resolveScenario(options.scenario);
  const tasks = resolveWorkload(options.scenario.workload, options.seed);
  const clock = new VirtualClock();
  const cloud = new EmulatedCloud(options.scenario, options.seed, clock);
  const store = new LiveStore(options.stateDir);
  const o = new Orchestrator({
    scenario,
    tasks,
    policy: options.policy,
    migration: options.migration,
    store,
    cloud,
    runId: `run-${String(options.seed)}`,
  });
  o.start();
  const horizon = scenario.horizonSeconds;
  const drain = async (): Promise<void> => {
    for (let job = o.work.shift(); job; job = o.work.shift()) await job();
    for (const e of cloud.takeEvents()) o.cloudEvent(e);
  };
  for (;;) {
    const tE = o.engine.nextEventTime;
    const tC = cloud.nextEventAt() ?? Number.POSITIVE_INFINITY;
    if (Math.min(tE, tC) > horizon) break;
    if (tC <= tE) {
      clock.advanceTo(tC);
      cloud.advanceTo(tC);
      for (const e of cloud.takeEvents()) o.cloudEvent(e);
      continue;
    }
    clock.advanceTo(tE);
    o.engine.step();
    await drain();
  }
  const summary = summarize(o, cloud);
  return { summary, orchestrator: o, cloud, store };
}
