/**
 * Local stand-ins for moto's instances (moto launches nothing that runs): for each instance id
 * the AWS provider describes, an agent (in this process, as `InProcessAgents` runs them) and its
 * own IMDSv2 endpoint on one loopback server, under `/imds/<instance id>/`. The test plays AWS's
 * part: {@link StandIns.notice} puts the interruption notice in the instance's metadata (AWS
 * does, as it sends the EventBridge event), and {@link StandIns.stop} stops the agent when the
 * instance is terminated.
 */

import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { Instance } from '@aws-sdk/client-ec2';
import { type AgentEndpoint, InProcessAgents } from '@synkti/orchestrator';

/** See the file comment. */
export class StandIns {
  readonly agents: InProcessAgents;
  readonly #server: Server;
  readonly #started = new Map<string, AgentEndpoint | 'starting'>();
  readonly #notices = new Map<string, string>();
  readonly #rebalances = new Map<string, string>();
  readonly #tokens = new Set<string>();
  url = '';
  /** Instances whose agent never serves (booted, but the agent failed to start). */
  readonly silent = new Set<string>();
  /** The next instance seen is one of {@link silent}. */
  silenceNext = false;

  constructor(readonly dir: string) {
    this.agents = new InProcessAgents(path.join(dir, 'agents'));
    this.#server = createServer((req, res) => {
      const m = /^\/imds\/(i-[0-9a-f]+)\/(.*)$/.exec(req.url ?? '');
      if (!m) {
        res.writeHead(404).end();
        return;
      }
      const [, id, rel] = m as unknown as [string, string, string];
      if (req.method === 'PUT' && rel === 'latest/api/token') {
        const token = randomBytes(16).toString('hex');
        this.#tokens.add(token);
        res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
        return;
      }
      if (!this.#tokens.has(String(req.headers['x-aws-ec2-metadata-token'] ?? ''))) {
        res.writeHead(401).end(); // IMDSv2 only
        return;
      }
      if (rel === 'latest/meta-data/instance-id') {
        res.writeHead(200).end(id);
        return;
      }
      const json = (v: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(v));
      const notice = this.#notices.get(id);
      if (rel === 'latest/meta-data/spot/instance-action' && notice) {
        json({ action: 'terminate', time: notice });
        return;
      }
      const rebalance = this.#rebalances.get(id);
      if (rel === 'latest/meta-data/events/recommendations/rebalance' && rebalance) {
        json({ noticeTime: rebalance });
        return;
      }
      res.writeHead(404).end('Not Found');
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.#server.address() as { port: number }).port}`;
  }

  /** The AWS provider's agent locator: starts an instance's agent the first time it is seen. */
  readonly locate = (instance: Instance): AgentEndpoint | 'starting' | undefined => {
    const id = instance.InstanceId as string;
    const known = this.#started.get(id);
    if (known !== undefined) return known;
    this.#started.set(id, 'starting');
    if (this.silenceNext) {
      this.silenceNext = false;
      this.silent.add(id);
      return 'starting';
    }
    void this.agents.start(id, `${this.url}/imds/${id}`).then((e) => this.#started.set(id, e));
    return 'starting';
  };

  /** The instance's metadata now holds an interruption notice, terminating at `terminateAt`. */
  notice(id: string, terminateAt: Date): void {
    this.#notices.set(id, terminateAt.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  }

  rebalance(id: string, at: Date): void {
    this.#rebalances.set(id, at.toISOString().replace(/\.\d{3}Z$/, 'Z'));
  }

  /** The instance was terminated: its agent stops. */
  async stop(id: string): Promise<void> {
    await this.agents.stop(id);
  }

  async close(): Promise<void> {
    await this.agents.close();
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}
