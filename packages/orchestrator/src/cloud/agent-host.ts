/**
 * Who runs the emulated cloud's instances: an agent per instance (live.md: "an instance is a
 * real local agent process"), started at launch with the instance's metadata URL and stopped when
 * the instance ends — as an instance's agent starts at boot and dies with it.
 *
 * - {@link ProcessAgents}: one `synkti agent` process per instance (the default of `synkti
 *   cloud --agents`). Killing an agent process is an instance failing.
 * - {@link InProcessAgents}: the same agents (the same class, each on its own loopback port with
 *   its own secret, polling its own metadata over HTTP) sharing the cloud's process, so that a
 *   test or benchmark with hundreds of instances does not start hundreds of Node processes.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Agent } from '../agent/agent.js';
import type { AgentEndpoint } from './provider.js';

/** Starts and stops the agents of a cloud's instances. */
export interface AgentHost {
  /** Starts instance `instanceId`'s agent (once: a second call returns the first's endpoint). */
  start(instanceId: string, imdsUrl: string): Promise<AgentEndpoint>;
  /** The instance ended: its agent and its tasks stop. */
  stop(instanceId: string): Promise<void>;
  /** Stops every agent. */
  close(): Promise<void>;
}

/** The environment variable that gives a `synkti agent` process its secret. */
export const AGENT_SECRET_ENV = 'SYNKTI_AGENT_SECRET';
/**
 * The environment variable naming the process an agent process lives and dies with (its
 * cloud's): an emulated instance does not outlive its cloud, even one killed with SIGKILL.
 */
export const AGENT_PARENT_ENV = 'SYNKTI_AGENT_PARENT';
/** The file a `synkti agent` process writes into its directory once it serves. */
export const AGENT_FILE = 'agent.json';

/** Agents sharing this process (see the file comment). */
export class InProcessAgents implements AgentHost {
  readonly #agents = new Map<string, Promise<{ agent: Agent; url: string }>>();

  /** @param dir each instance's work directory goes under it */
  constructor(readonly dir: string) {}

  start(instanceId: string, imdsUrl: string): Promise<AgentEndpoint> {
    let started = this.#agents.get(instanceId);
    if (started === undefined) {
      const agent = new Agent({ imdsUrl, workDir: path.join(this.dir, instanceId) });
      started = agent.start().then((url) => ({ agent, url }));
      this.#agents.set(instanceId, started);
    }
    return started.then(({ agent, url }) => ({ url, secret: agent.secret }));
  }

  async stop(instanceId: string): Promise<void> {
    const started = this.#agents.get(instanceId);
    if (started) await (await started).agent.stop();
  }

  /** What instance `instanceId`'s agent knows (for measurements); undefined before it starts. */
  async status(instanceId: string): Promise<ReturnType<Agent['status']> | undefined> {
    return (await this.#agents.get(instanceId))?.agent.status();
  }

  async close(): Promise<void> {
    await Promise.all([...this.#agents.keys()].map((id) => this.stop(id)));
  }
}

/** A `synkti agent` process per instance (see the file comment). */
export class ProcessAgents implements AgentHost {
  readonly #agents = new Map<string, Promise<{ child: ChildProcess; endpoint: AgentEndpoint }>>();

  /**
   * @param dir each instance's work directory goes under it
   * @param command the argv that runs `synkti agent` (e.g. node, its flags, the CLI's entry,
   *   `agent`); `--imds URL --dir D` are appended
   */
  constructor(
    readonly dir: string,
    readonly command: readonly string[],
  ) {}

  start(instanceId: string, imdsUrl: string): Promise<AgentEndpoint> {
    let started = this.#agents.get(instanceId);
    if (started === undefined) {
      started = this.#spawn(instanceId, imdsUrl);
      this.#agents.set(instanceId, started);
    }
    return started.then((s) => s.endpoint);
  }

  async #spawn(
    instanceId: string,
    imdsUrl: string,
  ): Promise<{ child: ChildProcess; endpoint: AgentEndpoint }> {
    const dir = path.join(this.dir, instanceId);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const secret = randomBytes(32).toString('hex');
    const [cmd, ...args] = this.command;
    const child = spawn(cmd as string, [...args, '--imds', imdsUrl, '--dir', dir], {
      env: { ...process.env, [AGENT_SECRET_ENV]: secret, [AGENT_PARENT_ENV]: String(process.pid) },
      stdio: ['ignore', 'ignore', 'inherit'],
      // Its own process group: an ended instance takes its agent's tasks with it.
      detached: true,
    });
    const file = path.join(dir, AGENT_FILE);
    for (let waited = 0; !existsSync(file); waited += 20) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `agent of ${instanceId} exited before serving (${child.exitCode ?? child.signalCode})`,
        );
      }
      if (waited > 30_000) {
        child.kill('SIGKILL');
        throw new Error(`agent of ${instanceId} did not serve within 30 s`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const { url } = JSON.parse(readFileSync(file, 'utf8')) as { url: string };
    return { child, endpoint: { url, secret } };
  }

  /** The process id of instance `instanceId`'s agent (tests kill it to fail the instance). */
  async pid(instanceId: string): Promise<number | undefined> {
    return (await this.#agents.get(instanceId))?.child.pid;
  }

  async stop(instanceId: string): Promise<void> {
    const started = this.#agents.get(instanceId);
    if (started === undefined) return;
    const { child } = await started.catch(() => ({ child: undefined }));
    if (child === undefined) return;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    try {
      process.kill(-(child.pid as number), 'SIGKILL'); // whatever the agent left running
    } catch {
      // the group is gone already
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#agents.keys()].map((id) => this.stop(id)));
  }
}
