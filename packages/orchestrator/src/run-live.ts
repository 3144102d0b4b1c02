/**
 * `runLive`: a scenario through the orchestrator on an emulated cloud, to the horizon; and the
 * driver that owns time. On the virtual clock it moves to the earlier of the cloud's next
 * happening and the orchestrator's next timer, reads the cloud's new events, fires one timer —
 * the timer's store writes and the tallies commit as one transaction — and awaits the cloud work
 * that timer queued before anything else happens. A run is deterministic and as fast as the CPU
 * allows.
 *
 * A store that already holds this run (the orchestrator was killed) is resumed: rebuilt
 * (core/resume.ts), reconciled against the cloud (core/reconcile.ts), and driven on from the
 * first cloud event it had not handled.
 */

import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import {
  type MigrationPlanner,
  type ResolvedScenario,
  type ResolvedTask,
  resolveScenario,
  resolveWorkload,
  type Scenario,
  type SchedulingPolicy,
} from '@synkti/sim-core';
import { ScaledClock, VirtualClock } from './clock.js';
import type { AgentHost } from './cloud/agent-host.js';
import { startCloudServer } from './cloud/cloud-server.js';
import { EmulatedCloud } from './cloud/emulated-cloud.js';
import { HttpCloud } from './cloud/http-cloud.js';
import type { CloudDriver, CloudProvider } from './cloud/provider.js';
import {
  CLOUD_EVENT_SEQ,
  Orchestrator,
  type OrchestratorOptions,
  P_STATE,
} from './core/orchestrator.js';
import { reconcile, settleVanished } from './core/reconcile.js';
import { type LiveSummary, summarize } from './core/summary.js';
import { type ServeMode, serveLooks } from './serve.js';
import { LiveStore } from './store/store.js';

/** What a live run needs. */
export interface RunLiveOptions {
  readonly scenario: Scenario;
  readonly seed: string | number;
  readonly policy: SchedulingPolicy;
  readonly migration: MigrationPlanner;
  /** The store's directory. */
  readonly stateDir: string;
  /**
   * The cloud, when it runs in its own process (cloud/http-cloud.ts); default an emulated cloud
   * in this process (which cannot outlive a crash of this process), on `clock`.
   */
  readonly cloud?: CloudProvider & CloudDriver;
  /**
   * The in-process cloud's clock: `'virtual'` (default) or a speed for the scaled clock
   * (simulated seconds per wall second). A cloud process has its own clock.
   */
  readonly clock?: 'virtual' | { readonly speed: number };
  /** Scaled clock: wall milliseconds between looks at the cloud. Default 20. */
  readonly pollMs?: number;
  /** See {@link OrchestratorOptions.onResponded}. */
  readonly onResponded?: (instanceId: string, dueSeconds: number) => void;
  /** See {@link OrchestratorOptions.onCheckpointed}. */
  readonly onCheckpointed?: (taskId: string, dueSeconds: number) => void;
  /**
   * The in-process cloud's agents (cloud/agent-host.ts): it is then served over HTTP on
   * loopback, each instance with its agent, and driven through that. Default: no agents (the
   * orchestrator keeps synthetic tasks' progress itself). A cloud process has its own.
   */
  readonly agents?: AgentHost;
  /** See {@link OrchestratorOptions.workloadCommand} (needs agents and the scaled clock). */
  readonly workloadCommand?: readonly string[];
  /** See {@link OrchestratorOptions.taskRetries}. */
  readonly taskRetries?: number;
  /** See {@link OrchestratorOptions.agentStartMs}. */
  readonly agentStartMs?: number;
  /** See {@link OrchestratorOptions.s3Checkpoints}. */
  readonly s3Checkpoints?: OrchestratorOptions['s3Checkpoints'];
  /**
   * Scaled clock: end the run once every job is final, releasing what is left, rather than at
   * the horizon (a real cloud's run: it waits for nothing else). Default false.
   */
  readonly stopWhenDone?: boolean;
  /**
   * Serve (`synkti serve`): jobs come from requests in the store (store/requests.ts), taken at
   * every look, not from the scenario's workload; the bill is kept in the store as the run goes
   * (store/costs.ts); the run ends at the horizon or when `signal` aborts. Scaled clock only.
   */
  readonly serve?: ServeMode;
}

/** A cloud the driver can read a ledger from. */
export type LedgerCloud = CloudProvider & CloudDriver & Pick<EmulatedCloud, 'ledgerCostUsd'>;

/** What a live run leaves. */
export interface LiveRun {
  readonly summary: LiveSummary;
  readonly orchestrator: Orchestrator;
  readonly store: LiveStore;
  /** Whether this run resumed a store left by a killed orchestrator. */
  readonly resumed: boolean;
}

/** Identifies a run in its store: a store of another run is refused, not resumed. */
function runKey(o: RunLiveOptions): string {
  const scenario = createHash('sha256').update(JSON.stringify(o.scenario)).digest('hex');
  return JSON.stringify({
    scenario: scenario.slice(0, 16),
    seed: o.seed,
    policy: o.policy.name,
    migration: o.migration,
  });
}

/** Thrown when a state directory holds a different run. */
export class StoreMismatchError extends Error {
  constructor(stateDir: string, stored: string, wanted: string) {
    super(`${stateDir}: holds another run (${stored}), not ${wanted}`);
    this.name = 'StoreMismatchError';
  }
}

/** Runs `scenario` live; the store stays open for the caller to read. */
export async function runLive(options: RunLiveOptions): Promise<LiveRun> {
  const scenario = resolveScenario(options.scenario);
  const tasks = options.serve ? [] : resolveWorkload(options.scenario.workload, options.seed);
  const { cloud, close } = await openCloud(options);
  try {
    return await runOn(options, scenario, tasks, cloud);
  } finally {
    await close();
  }
}

/** The run's cloud: the given one, or an emulated one in this process (served, with agents). */
async function openCloud(
  options: RunLiveOptions,
): Promise<{ cloud: LedgerCloud; close: () => Promise<void> }> {
  if (options.cloud) return { cloud: options.cloud as LedgerCloud, close: async () => {} };
  const clock = options.clock ?? 'virtual';
  if (options.agents === undefined) {
    const scaled = clock === 'virtual' ? new VirtualClock() : new ScaledClock(clock.speed);
    return {
      cloud: new EmulatedCloud(options.scenario, options.seed, scaled),
      close: async () => {},
    };
  }
  // Served, a scaled clock waits for the orchestrator's first look (as synkti cloud's does).
  const emulated = new EmulatedCloud(
    options.scenario,
    options.seed,
    clock === 'virtual' ? new VirtualClock() : new ScaledClock(clock.speed, { paused: true }),
  );
  const secret = randomBytes(32).toString('hex');
  const server = await startCloudServer(emulated, { secret, agents: options.agents });
  const http = new HttpCloud(server.url, secret);
  await http.now(); // learns the clock's kind
  return { cloud: http, close: () => server.close() };
}

async function runOn(
  options: RunLiveOptions,
  scenario: ResolvedScenario,
  tasks: readonly ResolvedTask[],
  cloud: LedgerCloud,
): Promise<LiveRun> {
  if (options.workloadCommand !== undefined && cloud.clockKind === 'virtual') {
    throw new RangeError(
      'workloadCommand: a command runs in wall time; it needs the scaled clock, not the virtual one',
    );
  }
  const store = new LiveStore(options.stateDir);
  const key = runKey(options);
  const stored = store.getMeta('run');
  if (stored !== undefined && stored !== key) {
    store.close();
    throw new StoreMismatchError(options.stateDir, stored, key);
  }
  const resumed = stored !== undefined;
  const o = new Orchestrator({
    scenario,
    tasks,
    policy: options.policy,
    migration: options.migration,
    store,
    cloud,
    runId: `run-${String(options.seed)}`,
    startSeconds: await cloud.now(),
    ...(options.onResponded ? { onResponded: options.onResponded } : {}),
    ...(options.onCheckpointed ? { onCheckpointed: options.onCheckpointed } : {}),
    ...(options.workloadCommand ? { workloadCommand: options.workloadCommand } : {}),
    ...(options.taskRetries !== undefined ? { taskRetries: options.taskRetries } : {}),
    ...(options.s3Checkpoints ? { s3Checkpoints: options.s3Checkpoints } : {}),
    ...(options.agentStartMs !== undefined ? { agentStartMs: options.agentStartMs } : {}),
    checkpointDir: path.join(options.stateDir, 'checkpoints'),
  });
  // A fresh run's key and jobs commit together: a crash between them cannot leave a run with
  // its key but without its jobs.
  store.transaction(() => {
    if (!resumed) store.setMeta('run', key);
    o.start(resumed);
  });
  let vanished: string[] = [];
  if (resumed) vanished = await reconcile(o, cloud);
  const settle = () => {
    settleVanished(o, vanished);
    vanished = [];
  };
  if (options.serve && cloud.clockKind === 'virtual') {
    throw new RangeError('serve: a server takes requests in wall time; it needs the scaled clock');
  }
  options.serve?.onStarted?.(o);
  if (cloud.clockKind === 'virtual') await drive(o, cloud, store, settle);
  else {
    await driveScaled(o, cloud, store, settle, {
      pollMs: options.pollMs ?? 20,
      stopWhenDone: options.stopWhenDone ?? false,
      ...(options.serve ? { serve: serveLooks(o, cloud, options.serve) } : {}),
    });
  }
  await o.agents.settle();
  // A run that stopped when its jobs were done is billed to then, not to the horizon.
  const until =
    options.stopWhenDone || options.serve
      ? Math.min(scenario.horizonSeconds, await cloud.now())
      : scenario.horizonSeconds;
  const summary = summarize(o, await cloud.ledgerCostUsd(until));
  await release(o);
  if (cloud.clockKind === 'scaled') await recordEnds(o, cloud, store);
  return { summary, orchestrator: o, store, resumed };
}

async function drive(
  o: Orchestrator,
  cloud: CloudProvider & CloudDriver,
  store: LiveStore,
  afterFirstRead: () => void,
): Promise<void> {
  const horizon = o.horizonSeconds;
  const read = await startReading(o, cloud, store, afterFirstRead);
  for (;;) {
    const tE = o.engine.nextEventTime;
    const tC = (await cloud.nextEventAt()) ?? Number.POSITIVE_INFINITY;
    if (Math.min(tE, tC) > horizon) break;
    if (tC <= tE) {
      await cloud.advanceTo(tC);
      await read();
      continue;
    }
    if (tE > (await cloud.now())) await cloud.advanceTo(tE);
    await step(o, store);
    await read();
  }
}

/**
 * The driver on the scaled clock: time is the cloud's, moving with the wall. Every `pollMs` it
 * lets an in-process cloud catch up with its clock, reads the cloud's new events, and fires
 * every timer that is due (each with its queued cloud work). A timer fires at its own time in
 * the orchestrator's record, however late the wall made it; the cloud acts at its own now.
 */
async function driveScaled(
  o: Orchestrator,
  cloud: CloudProvider & CloudDriver,
  store: LiveStore,
  afterFirstRead: () => void,
  how: {
    readonly pollMs: number;
    readonly stopWhenDone: boolean;
    /** A server's part of each look (its requests, its bill), and whether it is stopping. */
    readonly serve?: { readonly look: (nowSeconds: number) => Promise<void>; stopped(): boolean };
  },
): Promise<void> {
  const { pollMs, stopWhenDone, serve } = how;
  const horizon = o.horizonSeconds;
  const done = () =>
    serve?.stopped() ||
    (stopWhenDone && [...o.tasks.values()].every((t) => t.status === 'completed'));
  const catchUp = () => {
    if (cloud instanceof EmulatedCloud) cloud.advanceToNow(cloud.clock.now());
  };
  catchUp();
  const read = await startReading(o, cloud, store, afterFirstRead);
  for (;;) {
    const now = await cloud.now();
    if ((now > horizon && o.engine.nextEventTime > horizon) || done()) break;
    catchUp();
    await read();
    await serve?.look(now);
    await o.agents.watch(now);
    while (o.engine.nextEventTime <= Math.min(now, horizon)) {
      await step(o, store);
      catchUp();
      await read();
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Reads the cloud's event log from the first event this store has not handled, hands the
 * events to the orchestrator, and returns the function that reads the next ones. After the
 * events read now (their own time, at the latest now), instances gone from the cloud without a
 * termination event have vanished: `afterFirstRead` settles them.
 */
async function startReading(
  o: Orchestrator,
  cloud: CloudDriver,
  store: LiveStore,
  afterFirstRead: () => void,
): Promise<() => Promise<void>> {
  let seen = Number(store.getMeta(CLOUD_EVENT_SEQ) ?? 0);
  const read = async (): Promise<void> => {
    for (const e of await cloud.eventsAfter(seen)) {
      o.cloudEvent(e);
      seen = e.seq;
    }
  };
  await read();
  o.engine.schedule(0, afterFirstRead, 'settle vanished instances', P_STATE + 1);
  return read;
}

/**
 * Fires the orchestrator's next timer — its store writes and the tallies as one transaction —
 * then the cloud work it queued, in order, saving the tallies after each.
 */
async function step(o: Orchestrator, store: LiveStore): Promise<void> {
  store.transaction(() => {
    o.engine.step();
    o.saveTallies();
  });
  for (let job = o.work.shift(); job; job = o.work.shift()) {
    await job();
    o.saveTallies();
  }
}

/**
 * After the final release on a clock that moves with the wall, the cloud terminated the
 * instances a little after the orchestrator recorded their release: their ends in the store
 * become the cloud's (billing stops there), as during the run. Other events are past the run.
 */
async function recordEnds(o: Orchestrator, cloud: CloudDriver, store: LiveStore): Promise<void> {
  const seen = Number(store.getMeta(CLOUD_EVENT_SEQ) ?? 0);
  for (const { event } of await cloud.eventsAfter(seen)) {
    if (event.kind !== 'state' || event.state !== 'terminated') continue;
    const inst = o.byCloudId.get(event.instanceId);
    if (inst?.endedAt !== undefined) o.lifecycle.ended(inst, 'terminated', event.at);
  }
}

/** At the end of the run, nothing is left running: every live instance is released. */
async function release(o: Orchestrator): Promise<void> {
  for (const inst of o.instances) {
    if (inst.endedAt === undefined) await o.lifecycle.release(inst, 'run over');
  }
}
