/**
 * `synkti live <scenario>`: a bench scenario run live on the emulated cloud, as a short pipeline
 * of typed stages — options checked and the scenario loaded (exit 2 on bad input before
 * anything runs), the run, the summary printed (beside a simulation of the same scenario and
 * seed with `--compare-sim`).
 */

import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError, importPolicyModules, type LoadedScenario, loadScenario } from '@synkti/bench';
import {
  type AwsConfig,
  COMPARED,
  DEFAULT_SPEED,
  type LiveRun,
  type LiveSummary,
  runLive,
  StoreMismatchError,
} from '@synkti/orchestrator';
import { createPolicy, listPolicies } from '@synkti/policies';
import {
  MIGRATION_PLANNERS,
  type MigrationPlanner,
  type RunResult,
  resolveScenario,
  type Scenario,
  simulate,
} from '@synkti/sim-core';
import { awsCloudFor, loadAwsConfig } from './aws.js';
import { type AgentKind, agentHost, checkAgentKind, cloudAt, defaultAgentKind } from './cloud.js';

/** The options of `synkti live`, as parsed. */
export interface LiveOptions {
  readonly scenario: string;
  /** `virtual` (default) or `scaled`; with `aws`, the wall's (not given). */
  readonly clock: string | undefined;
  readonly speed: number | undefined;
  readonly stateDir: string | undefined;
  readonly policy: string | undefined;
  readonly migration: string;
  readonly seed: string | undefined;
  readonly compareSim: boolean;
  readonly json: boolean;
  readonly tracesDir: string | undefined;
  /** The directory of a cloud started by `synkti cloud` (default: a cloud in this process). */
  readonly cloud: string | undefined;
  /** User policy modules (as the bench's --policy-module). */
  readonly policyModules: readonly string[];
  /** Who runs the in-process cloud's instances (agent kinds of cloud.ts; default by clock). */
  readonly agents?: string | undefined;
  /** The command every job runs (argv); none: synthetic tasks. */
  readonly workloadCommand?: readonly string[] | undefined;
  /** Retries of a job whose command exits non-zero. */
  readonly taskRetries?: number | undefined;
  /** An AWS provider configuration file: the run is on AWS (wall clock; resumable). */
  readonly aws?: string | undefined;
  /** Scaled clock: end the run once every job is final (AWS always does). */
  readonly untilDone?: boolean | undefined;
}

/** A live run, fully specified and checked. */
interface LivePlan {
  readonly loaded: LoadedScenario;
  readonly scenario: Scenario;
  readonly params: Readonly<Record<string, number | string>>;
  readonly policy: { readonly name: string; readonly params: Readonly<Record<string, unknown>> };
  readonly migration: MigrationPlanner;
  readonly seed: string | number;
  readonly stateDir: string;
  readonly agents: AgentKind;
  readonly clock: 'virtual' | 'scaled' | 'aws';
  /** The AWS provider's configuration, with `--aws`. */
  readonly aws: AwsConfig | undefined;
}

/** Checks the options and loads the scenario. @throws InputError (exit 2). */
export function planLive(given: LiveOptions): LivePlan {
  if (given.aws !== undefined) {
    for (const [flag, v] of [
      ['--cloud', given.cloud],
      ['--clock', given.clock],
      ['--speed', given.speed],
      ['--agents', given.agents],
    ] as const) {
      if (v !== undefined) {
        throw new InputError(
          `${flag}: not with --aws (AWS runs on the wall clock, its own agents)`,
        );
      }
    }
  }
  const o = { ...given, clock: given.clock ?? 'virtual' };
  if (o.clock !== 'virtual' && o.clock !== 'scaled') {
    throw new InputError(`--clock: expected virtual or scaled, got ${JSON.stringify(o.clock)}`);
  }
  if (o.clock === 'virtual' && o.speed !== undefined) {
    throw new InputError('--speed applies to the scaled clock only');
  }
  if (o.speed !== undefined && !(o.speed > 0 && Number.isFinite(o.speed))) {
    throw new InputError(`--speed: expected simulated seconds per wall second > 0, got ${o.speed}`);
  }
  if (o.clock === 'scaled' && o.cloud !== undefined && o.speed !== undefined) {
    throw new InputError(
      '--speed: a cloud process (--cloud) has its own clock; give --speed to synkti cloud',
    );
  }
  if (o.cloud !== undefined && o.agents !== undefined) {
    throw new InputError(
      '--agents: a cloud process (--cloud) runs its own; give --agents to synkti cloud',
    );
  }
  const agents = checkAgentKind(o.agents ?? defaultAgentKind(o.clock === 'scaled'));
  if (o.workloadCommand !== undefined) {
    if (o.workloadCommand.length === 0) {
      throw new InputError(
        '--workload-command: expected the command after --, e.g. -- node train.js',
      );
    }
    if (o.clock !== 'scaled' && o.aws === undefined) {
      throw new InputError('--workload-command: a command runs in wall time; add --clock scaled');
    }
    if (o.cloud === undefined && agents === 'none') {
      throw new InputError('--workload-command: commands run on agents; not with --agents none');
    }
  }
  if (o.untilDone && o.clock !== 'scaled' && o.aws === undefined) {
    throw new InputError(
      '--until-done: the virtual clock runs to the horizon, as simulate does; add --clock scaled',
    );
  }
  if (o.taskRetries !== undefined && !(Number.isInteger(o.taskRetries) && o.taskRetries >= 0)) {
    throw new InputError(`--task-retries: expected an integer ≥ 0, got ${o.taskRetries}`);
  }
  if (!(MIGRATION_PLANNERS as readonly string[]).includes(o.migration)) {
    throw new InputError(
      `--migration: expected ${MIGRATION_PLANNERS.join(', ')}, got ${JSON.stringify(o.migration)}`,
    );
  }
  const loaded = loadScenario(o.scenario, o.tracesDir ? { tracesDir: o.tracesDir } : {});
  const point = loaded.points[0] as LoadedScenario['points'][number];
  const fromFile = loaded.policies.find((p) => p.name !== 'offline-optimal');
  const policy = o.policy === undefined ? fromFile : { name: o.policy, params: {} };
  if (policy === undefined) throw new InputError(`${o.scenario}: no policy to run live`);
  try {
    createPolicy(policy.name, policy.params);
  } catch (error) {
    throw new InputError(
      `--policy: ${(error as Error).message} (registered: ${listPolicies().join(', ')})`,
    );
  }
  const seed = o.seed === undefined ? (loaded.seeds[0] ?? 1) : parseSeed(o.seed);
  const stateDir =
    o.stateDir ??
    path.join(
      os.homedir(),
      '.synkti',
      'runs',
      `${loaded.name}-seed-${seed}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
    );
  const aws = o.aws === undefined ? undefined : loadAwsConfig(o.aws);
  if (
    o.cloud === undefined &&
    aws === undefined &&
    existsSync(stateDir) &&
    readdirSync(stateDir).length > 0
  ) {
    throw new InputError(
      `--state-dir ${stateDir}: not empty, and the cloud that ran it lived in that run's process; ` +
        'give a new or empty directory (a run against synkti cloud, --cloud DIR, or AWS resumes)',
    );
  }
  return {
    clock: aws ? 'aws' : o.clock,
    aws,
    loaded,
    scenario: point.scenario,
    params: point.params,
    policy,
    migration: o.migration as MigrationPlanner,
    seed,
    stateDir,
    agents,
  };
}

/** Wall ms an EC2 instance's agent may take to serve (boot, user data, Node.js start). */
const AWS_AGENT_START_MS = 15 * 60 * 1000;

function parseSeed(text: string): string | number {
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** Runs the plan; returns the text to print. */
export async function runLiveCommand(o: LiveOptions): Promise<string> {
  await importPolicyModules(o.policyModules);
  const plan = planLive(o);
  const onAws = plan.aws
    ? awsCloudFor(plan.aws, plan.stateDir, resolveScenario(plan.scenario).instanceTypes)
    : undefined;
  const cloud = onAws?.cloud ?? (o.cloud === undefined ? undefined : cloudAt(o.cloud));
  const agents = cloud ? undefined : agentHost(plan.agents, plan.stateDir);
  const started = performance.now();
  let live: LiveRun;
  try {
    await onAws?.cloud.start();
    live = await runLive({
      scenario: plan.scenario,
      seed: plan.seed,
      policy: createPolicy(plan.policy.name, plan.policy.params),
      migration: plan.migration,
      stateDir: plan.stateDir,
      ...(cloud ? { cloud } : {}),
      ...(plan.clock === 'scaled' ? { clock: { speed: o.speed ?? DEFAULT_SPEED } } : {}),
      ...(agents ? { agents } : {}),
      ...(o.workloadCommand ? { workloadCommand: o.workloadCommand } : {}),
      ...(o.taskRetries !== undefined ? { taskRetries: o.taskRetries } : {}),
      // A real instance boots, then starts its agent: minutes, not the emulator's seconds.
      ...(onAws ? { stopWhenDone: true, pollMs: 250, agentStartMs: AWS_AGENT_START_MS } : {}),
      ...(o.untilDone ? { stopWhenDone: true } : {}),
      ...(onAws?.cloud.s3Checkpoints ? { s3Checkpoints: onAws.cloud.s3Checkpoints } : {}),
    });
  } catch (error) {
    if (error instanceof StoreMismatchError) throw new InputError(`--state-dir ${error.message}`);
    throw error;
  } finally {
    await onAws?.cloud.close();
    onAws?.store.close();
  }
  const wallSeconds = (performance.now() - started) / 1000;
  live.store.close();
  const simulateWith = (name: string, params: Readonly<Record<string, unknown>>) =>
    simulate(plan.scenario, {
      policy: createPolicy(name, params),
      migration: plan.migration,
      seed: plan.seed,
    });
  const sim = o.compareSim ? simulateWith(plan.policy.name, plan.policy.params) : undefined;
  // Savings as the bench defines them: against on-demand-only on the same scenario and seed
  // (its cost is the simulation's: live mode does not run the counterfactual fleet).
  const baseline = simulateWith('on-demand-only', {}).costPerWorkHour;
  const savingsPct = (cpwh: number | undefined) =>
    cpwh === undefined || baseline === undefined || baseline === 0
      ? undefined
      : 100 * (1 - cpwh / baseline);
  const extra = {
    savingsPct: [savingsPct(live.summary.costPerWorkHour), sim && savingsPct(sim.costPerWorkHour)],
    recoveries: [live.summary.recoveries, undefined],
  } as const;
  if (o.json) {
    return `${JSON.stringify({
      scenario: plan.loaded.name,
      params: plan.params,
      policy: plan.policy.name,
      migration: plan.migration,
      seed: plan.seed,
      clock: plan.clock,
      ...(plan.clock === 'scaled' && !cloud ? { speed: o.speed ?? DEFAULT_SPEED } : {}),
      resumed: live.resumed,
      stateDir: plan.stateDir,
      live: { ...live.summary, savingsPct: extra.savingsPct[0] },
      ...(sim
        ? {
            simulation: { ...pick(sim), savingsPct: extra.savingsPct[1] },
            differences: differences(live.summary, sim),
          }
        : {}),
    })}\n`;
  }
  const head =
    `${plan.loaded.name}${Object.keys(plan.params).length ? ` ${JSON.stringify(plan.params)}` : ''}: ` +
    `policy ${plan.policy.name}, planner ${plan.migration}, seed ${plan.seed}, ` +
    `${plan.clock === 'aws' ? `AWS (${plan.aws?.regions.map((r) => r.region).join(', ')}), wall clock` : plan.clock === 'scaled' ? `scaled clock${cloud ? '' : ` (speed ${o.speed ?? DEFAULT_SPEED})`}` : 'virtual clock'}` +
    `${cloud && !onAws ? `, cloud at ${(cloud as { url: string }).url}` : ''}${live.resumed ? ', resumed' : ''}; ` +
    `${live.summary.instancesLaunched} instances, ${wallSeconds.toFixed(1)} s of wall time\n` +
    `state: ${plan.stateDir}\n\n`;
  return head + summaryTable(live.summary, sim, extra);
}

function pick(sim: RunResult): Record<string, number | undefined> {
  return Object.fromEntries(COMPARED.map((k) => [k, sim[k]]));
}

/** The compared metrics on which live and simulation differ. */
export function differences(live: LiveSummary, sim: RunResult): string[] {
  return COMPARED.filter((k) => live[k] !== sim[k]);
}

const LABELS: Record<(typeof COMPARED)[number], string> = {
  totalCostUsd: 'cost $',
  spotCostUsd: 'spot cost $',
  onDemandCostUsd: 'on-demand cost $',
  workHours: 'work h',
  costPerWorkHour: 'cost per work-hour $',
  tasksTotal: 'tasks',
  tasksCompleted: 'completed',
  deadlineMisses: 'deadline misses',
  preemptions: 'preemptions',
  checkpointsFull: 'checkpoints full',
  checkpointsPartial: 'checkpoints partial',
  restarts: 'restarts',
  progressLostHours: 'progress lost h',
  migrations: 'migrations',
  migrationDowntimeMeanSeconds: 'downtime mean s',
  completionP50Hours: 'completion p50 h',
};

const fmt = (x: number | undefined) =>
  x === undefined ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(4);

/**
 * The summary as a Markdown table; with `sim`, beside the simulation and the difference. `extra`
 * rows (savings, recoveries) follow, live value first.
 */
export function summaryTable(
  live: LiveSummary,
  sim: RunResult | undefined,
  extra: Readonly<
    Record<string, readonly [number | undefined, number | undefined | false | undefined]>
  > = {},
): string {
  const lines = sim
    ? ['| metric | live | simulation | difference |', '|---|---|---|---|']
    : ['| metric | live |', '|---|---|'];
  for (const k of COMPARED) {
    const a = live[k];
    if (!sim) {
      lines.push(`| ${LABELS[k]} | ${fmt(a)} |`);
      continue;
    }
    const b = sim[k];
    const d = a === b ? 'same' : a === undefined || b === undefined ? 'differs' : fmt(a - b);
    lines.push(`| ${LABELS[k]} | ${fmt(a)} | ${fmt(b)} | ${d} |`);
  }
  const EXTRA_LABELS: Record<string, string> = {
    savingsPct: 'savings vs on-demand %',
    recoveries: 'recoveries (live only)',
  };
  for (const [k, [a, b]] of Object.entries(extra)) {
    const label = EXTRA_LABELS[k] ?? k;
    if (!sim) lines.push(`| ${label} | ${fmt(a)} |`);
    else {
      const other = b === false ? undefined : b;
      const d = k === 'recoveries' ? '' : a === other ? 'same' : fmt((a ?? 0) - (other ?? 0));
      lines.push(`| ${label} | ${fmt(a)} | ${fmt(other)} | ${d} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
