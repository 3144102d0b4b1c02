/**
 * `synkti cloud <scenario>`: the emulated cloud of a scenario and seed in its own process, on the
 * virtual clock, served on loopback (orchestrator cloud-server.ts). It writes `cloud.json` (its
 * URL, secret and PID; mode 0600) into `--dir`, where `synkti live --cloud DIR` finds it, and
 * runs until it is sent SIGTERM or SIGINT.
 */

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, loadScenario } from '@synkti/bench';
import {
  type AgentHost,
  checkOwnerOnly,
  EmulatedCloud,
  HttpCloud,
  InProcessAgents,
  InsecureSecretError,
  ProcessAgents,
  ScaledClock,
  startCloudServer,
  VirtualClock,
} from '@synkti/orchestrator';
import type { Scenario } from '@synkti/sim-core';

/** The file a cloud process writes into its directory. */
export const CLOUD_FILE = 'cloud.json';

/** What `cloud.json` holds. */
interface CloudFile {
  readonly url: string;
  readonly secret: string;
  readonly pid: number;
}

/** Who runs an emulated cloud's instances (orchestrator agent-host.ts). */
export const AGENT_KINDS = ['process', 'in-process', 'none'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

/**
 * Who runs the instances when `--agents` is not given: on the scaled clock an agent process per
 * instance (live.md: an instance is a real process); on the virtual clock agents sharing the
 * cloud's process, since a virtual run launches its instances in a burst of CPU time and an
 * agent process takes about 1.5 s of wall time to start (Node.js, tsx and Fastify).
 */
export function defaultAgentKind(scaled: boolean): AgentKind {
  return scaled ? 'process' : 'in-process';
}

/** Checks an `--agents` value. @throws InputError */
export function checkAgentKind(value: string): AgentKind {
  if (!(AGENT_KINDS as readonly string[]).includes(value)) {
    throw new InputError(
      `--agents: expected ${AGENT_KINDS.join(', ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as AgentKind;
}

/** The argv that runs `synkti agent` as this process runs synkti (node, its flags, the entry). */
export function agentCommand(): string[] {
  const here = fileURLToPath(import.meta.url);
  const entry = path.join(path.dirname(here), `main${path.extname(here)}`);
  return [process.execPath, ...process.execArgv, entry, 'agent'];
}

/** The agent host of `kind`, its instances' directories under `dir`; none for `none`. */
export function agentHost(kind: AgentKind, dir: string): AgentHost | undefined {
  if (kind === 'none') return undefined;
  const agentsDir = path.join(dir, 'agents');
  return kind === 'process'
    ? new ProcessAgents(agentsDir, agentCommand())
    : new InProcessAgents(agentsDir);
}

/** Starts the cloud; resolves once it serves, with a stop function. */
export async function startCloudCommand(o: {
  readonly scenario: string;
  readonly seed: string | undefined;
  readonly dir: string;
  readonly port: number;
  readonly tracesDir: string | undefined;
  /** Simulated seconds per wall second of a scaled clock; undefined: the virtual clock. */
  readonly speed?: number | undefined;
  /** Who runs the instances (default {@link defaultAgentKind}). */
  readonly agents?: string | undefined;
}): Promise<{ url: string; stop: () => Promise<void> }> {
  const agentKind = checkAgentKind(o.agents ?? defaultAgentKind(o.speed !== undefined));
  const loaded = loadScenario(o.scenario, o.tracesDir ? { tracesDir: o.tracesDir } : {});
  const scenario = (loaded.points[0] as { scenario: Scenario }).scenario;
  const seed =
    o.seed === undefined ? (loaded.seeds[0] ?? 1) : /^\d+$/.test(o.seed) ? Number(o.seed) : o.seed;
  // A scaled clock waits for the orchestrator's first look at it.
  const clock =
    o.speed === undefined ? new VirtualClock() : new ScaledClock(o.speed, { paused: true });
  const cloud = new EmulatedCloud(scenario, seed, clock);
  const secret = randomBytes(32).toString('hex');
  const agents = agentHost(agentKind, o.dir);
  const server = await startCloudServer(cloud, {
    secret,
    port: o.port,
    ...(agents ? { agents } : {}),
  });
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const file: CloudFile = { url: server.url, secret, pid: process.pid };
  writeFileSync(path.join(o.dir, CLOUD_FILE), `${JSON.stringify(file)}\n`, { mode: 0o600 });
  return {
    url: server.url,
    stop: () => server.close(),
  };
}

/**
 * The cloud served from `dir` (its cloud.json). @throws InputError when there is none,
 * InsecureSecretError when others can read it.
 */
export function cloudAt(dir: string): HttpCloud {
  const file = path.join(dir, CLOUD_FILE);
  let doc: CloudFile;
  try {
    checkOwnerOnly(file, "cloud's secret");
    doc = JSON.parse(readFileSync(file, 'utf8')) as CloudFile;
  } catch (error) {
    if (error instanceof InsecureSecretError) throw error;
    throw new InputError(
      `--cloud ${dir}: no cloud there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); start one with synkti cloud <scenario> --dir ${dir}`,
    );
  }
  return new HttpCloud(doc.url, doc.secret);
}
