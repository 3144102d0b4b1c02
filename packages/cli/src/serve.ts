/**
 * `synkti serve`: the orchestrator as a server — jobs submitted and cancelled while it runs
 * (orchestrator serve.ts), the REST API and the dashboard (@synkti/api) in the same process —
 * on the emulated cloud of a scenario (its market and instance types; its workload is not
 * used) on the scaled clock, or on AWS. A short pipeline of typed stages: options checked and
 * the scenario loaded (exit 2 before anything runs), the run started, the API listening and
 * `server.json` written (where the client commands find it), then serving until SIGTERM or
 * SIGINT, or the scenario's horizon.
 *
 * The emulated cloud lives in this process by default: a server stopped (or killed) takes its
 * instances with it, so a state directory holds one server's life. A cloud in its own process
 * (`synkti cloud`, `--cloud-dir`) and AWS outlive the server: a restart with the same state
 * directory resumes (reconciles) its run, and carries out the requests it had not taken.
 */

import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApi, TOKEN_FILE } from '@synkti/api';
import { InputError, importPolicyModules, loadScenario } from '@synkti/bench';
import {
  DEFAULT_SPEED,
  type LiveRun,
  runLive,
  STORE_FILE,
  StoreMismatchError,
} from '@synkti/orchestrator';
import { createPolicy, listPolicies } from '@synkti/policies';
import {
  MIGRATION_PLANNERS,
  type MigrationPlanner,
  resolveScenario,
  type Scenario,
} from '@synkti/sim-core';
import { awsCloudFor, loadAwsConfig } from './aws.js';
import { readServerFile, SERVER_FILE, stateDirOf } from './client.js';
import { agentHost, checkAgentKind, cloudAt } from './cloud.js';

/** The scenario a server uses when none is named: the repository's `scenarios/live/serve.json`. */
export const DEFAULT_SERVE_SCENARIO = fileURLToPath(
  new URL('../../../scenarios/live/serve.json', import.meta.url),
);
/** The policy when neither the options nor the scenario file name one. */
export const DEFAULT_SERVE_POLICY = 'greedy-spot';

/** The options of `synkti serve`, as parsed. */
export interface ServeOptions {
  readonly cloud: string;
  readonly scenario: string | undefined;
  readonly speed: number | undefined;
  readonly policy: string | undefined;
  readonly policyModules: readonly string[];
  readonly migration: string;
  readonly seed: string | undefined;
  readonly stateDir: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly awsConfig: string | undefined;
  readonly agents: string | undefined;
  readonly tracesDir: string | undefined;
  /**
   * Emulated: the directory of a cloud started by `synkti cloud` (its own process and clock);
   * a server killed or stopped then resumes from its state directory. Default: the cloud in
   * this process.
   */
  readonly cloudDir?: string | undefined;
}

/** What a server runs, checked. */
interface ServePlan {
  readonly cloud: 'emulated' | 'aws';
  readonly scenario: Scenario;
  readonly scenarioName: string;
  readonly policy: { readonly name: string; readonly params: Readonly<Record<string, unknown>> };
  readonly migration: MigrationPlanner;
  readonly seed: string | number;
  readonly stateDir: string;
  readonly speed: number;
}

/** Checks the options and loads the scenario. @throws InputError (exit 2) */
export function planServe(o: ServeOptions): ServePlan {
  if (o.cloud !== 'emulated' && o.cloud !== 'aws') {
    throw new InputError(`--cloud: expected emulated or aws, got ${JSON.stringify(o.cloud)}`);
  }
  if (o.cloud === 'aws') {
    if (o.awsConfig === undefined) {
      throw new InputError('--cloud aws: give the provider configuration with --aws-config FILE');
    }
    for (const [flag, v] of [
      ['--speed', o.speed],
      ['--agents', o.agents],
    ] as const) {
      if (v !== undefined) throw new InputError(`${flag}: not with --cloud aws (the wall clock)`);
    }
  } else if (o.awsConfig !== undefined) {
    throw new InputError('--aws-config: only with --cloud aws');
  }
  if (o.cloudDir !== undefined) {
    if (o.cloud === 'aws')
      throw new InputError('--cloud-dir: an emulated cloud, not with --cloud aws');
    for (const [flag, v] of [
      ['--speed', o.speed],
      ['--agents', o.agents],
    ] as const) {
      if (v !== undefined) {
        throw new InputError(
          `${flag}: a cloud process (--cloud-dir) has its own; give it to synkti cloud`,
        );
      }
    }
  }
  if (o.speed !== undefined && !(o.speed > 0 && Number.isFinite(o.speed))) {
    throw new InputError(`--speed: expected simulated seconds per wall second > 0, got ${o.speed}`);
  }
  if (!(MIGRATION_PLANNERS as readonly string[]).includes(o.migration)) {
    throw new InputError(
      `--migration: expected ${MIGRATION_PLANNERS.join(', ')}, got ${JSON.stringify(o.migration)}`,
    );
  }
  if (!(Number.isInteger(o.port) && o.port >= 0 && o.port < 65_536)) {
    throw new InputError(`--port: expected 0-65535, got ${o.port}`);
  }
  const file = o.scenario ?? DEFAULT_SERVE_SCENARIO;
  const loaded = loadScenario(file, o.tracesDir ? { tracesDir: o.tracesDir } : {});
  const point = loaded.points[0] as (typeof loaded.points)[number];
  const fromFile = loaded.policies.find((p) => p.name !== 'offline-optimal');
  const policy =
    o.policy !== undefined
      ? { name: o.policy, params: {} }
      : (fromFile ?? { name: DEFAULT_SERVE_POLICY, params: {} });
  try {
    createPolicy(policy.name, policy.params);
  } catch (error) {
    throw new InputError(
      `--policy: ${(error as Error).message} (registered: ${listPolicies().join(', ')})`,
    );
  }
  const stateDir = stateDirOf(o.stateDir);
  if (
    o.cloud === 'emulated' &&
    o.cloudDir === undefined &&
    existsSync(path.join(stateDir, STORE_FILE))
  ) {
    const running = runningServer(stateDir);
    throw new InputError(
      running
        ? `--state-dir ${stateDir}: a server is running there (pid ${running.pid}, ${running.url})`
        : `--state-dir ${stateDir}: holds an earlier server's run, whose emulated cloud ended with it; ` +
            'give a new directory (--state-dir or SYNKTI_STATE_DIR), or remove that one (a server ' +
            'on a cloud process, --cloud-dir, resumes)',
    );
  }
  return {
    cloud: o.cloud,
    scenario: point.scenario,
    scenarioName: loaded.name,
    policy,
    migration: o.migration as MigrationPlanner,
    seed:
      o.seed === undefined
        ? (loaded.seeds[0] ?? 1)
        : /^\d+$/.test(o.seed)
          ? Number(o.seed)
          : o.seed,
    stateDir,
    speed: o.speed ?? DEFAULT_SPEED,
  };
}

/** The server `stateDir`'s server.json names, if its process is alive. */
function runningServer(stateDir: string): { pid: number; url: string } | undefined {
  const s = readServerFile(stateDir);
  if (s === undefined) return undefined;
  try {
    process.kill(s.pid, 0);
    return s;
  } catch {
    return undefined;
  }
}

/**
 * Runs a server until SIGTERM or SIGINT (or `stop`), writing what it does through `say`;
 * resolves with the run once it has stopped.
 */
export async function serveCommand(
  o: ServeOptions,
  say: (line: string) => void,
  stop?: AbortSignal,
): Promise<LiveRun> {
  await importPolicyModules(o.policyModules);
  const plan = planServe(o);
  const cloudProcess = o.cloudDir === undefined ? undefined : cloudAt(o.cloudDir);
  const agents =
    plan.cloud === 'emulated' && cloudProcess === undefined
      ? agentHost(checkAgentKind(o.agents ?? 'process'), plan.stateDir)
      : undefined;
  const onAws =
    plan.cloud === 'aws'
      ? awsCloudFor(
          loadAwsConfig(o.awsConfig as string),
          plan.stateDir,
          resolveScenario(plan.scenario).instanceTypes,
        )
      : undefined;
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  stop?.addEventListener('abort', onSignal);
  let api: Awaited<ReturnType<typeof startApi>> | undefined;
  const serverFile = path.join(plan.stateDir, SERVER_FILE);
  try {
    await onAws?.cloud.start();
    let started!: () => void;
    const ready = new Promise<void>((r) => (started = r));
    const run = runLive({
      scenario: plan.scenario,
      seed: plan.seed,
      policy: createPolicy(plan.policy.name, plan.policy.params),
      migration: plan.migration,
      stateDir: plan.stateDir,
      ...(onAws
        ? { cloud: onAws.cloud, pollMs: 250, agentStartMs: 15 * 60 * 1000 }
        : cloudProcess
          ? { cloud: cloudProcess }
          : { clock: { speed: plan.speed } }),
      ...(agents ? { agents } : {}),
      ...(onAws?.cloud.s3Checkpoints ? { s3Checkpoints: onAws.cloud.s3Checkpoints } : {}),
      serve: { signal: abort.signal, onStarted: () => started() },
    });
    await Promise.race([ready, run]);
    api = await startApi({ stateDir: plan.stateDir, host: o.host, port: o.port, warn: say });
    // Written whole, then renamed: a client never reads half of it.
    writeFileSync(`${serverFile}.tmp`, `${JSON.stringify({ url: api.url, pid: process.pid })}\n`, {
      mode: 0o600,
    });
    renameSync(`${serverFile}.tmp`, serverFile);
    say(
      `synkti server at ${api.url}: ${plan.cloud === 'aws' ? 'AWS' : cloudProcess ? `emulated cloud at ${cloudProcess.url}` : `emulated cloud of ${plan.scenarioName}, speed ${plan.speed}`}, ` +
        `policy ${plan.policy.name}, planner ${plan.migration}; state in ${plan.stateDir}`,
    );
    say(`  token: ${path.join(plan.stateDir, TOKEN_FILE)}; OpenAPI: ${api.url}/openapi.json`);
    say(`  dashboard: open once within 5 minutes ${api.loginUrl()}`);
    say(`             (another: synkti dashboard --state-dir ${plan.stateDir})`);
    say('  submit:    synkti submit --kind training --work-hours 1 [-- command args…]');
    const live = await run;
    say(
      `synkti server stopped: ${live.summary.tasksCompleted} of ${live.summary.tasksTotal} jobs done, ` +
        `$${live.summary.totalCostUsd.toFixed(4)} billed`,
    );
    return live;
  } catch (error) {
    if (error instanceof StoreMismatchError) throw new InputError(`--state-dir ${error.message}`);
    throw error;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    await api?.close();
    rmSync(serverFile, { force: true });
    await onAws?.cloud.close();
    onAws?.store.close();
  }
}
