/**
 * The orchestrator's side of an instance agent's API (agent.ts): HTTP on loopback with the
 * agent's bearer secret. An agent that does not answer throws {@link AgentUnreachableError} (the
 * instance may have failed); one that refuses throws {@link AgentRefusedError} with its message.
 */

import type { AgentEndpoint } from '../cloud/provider.js';
import type { AgentStatus, AgentTask } from './agent.js';
import type { S3Location } from './s3-checkpoints.js';
import type { SyntheticSpec } from './synthetic.js';

/** The agent did not answer (connection refused, reset, or timed out). */
export class AgentUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`agent at ${url} did not answer: ${(cause as Error).message ?? String(cause)}`);
    this.name = 'AgentUnreachableError';
  }
}

/** The agent answered with an error status. */
export class AgentRefusedError extends Error {
  constructor(
    readonly status: number,
    what: string,
    message: string,
  ) {
    super(`agent refused ${what} (${status}): ${message}`);
    this.name = 'AgentRefusedError';
  }
}

/** Wall milliseconds an agent request may take before the agent counts as unreachable. */
export const AGENT_TIMEOUT_MS = 10_000;

/** See the file comment. */
export class AgentClient {
  constructor(readonly endpoint: AgentEndpoint) {}

  async #call(method: string, route: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(new URL(route, this.endpoint.url), {
        method,
        headers: {
          authorization: `Bearer ${this.endpoint.secret}`,
          ...(body instanceof Uint8Array
            ? { 'content-type': 'application/octet-stream' }
            : body !== undefined
              ? { 'content-type': 'application/json' }
              : {}),
        },
        ...(body instanceof Uint8Array
          ? { body }
          : body !== undefined
            ? { body: JSON.stringify(body) }
            : {}),
        signal: AbortSignal.timeout(AGENT_TIMEOUT_MS),
      });
    } catch (error) {
      throw new AgentUnreachableError(this.endpoint.url, error);
    }
    if (res.status === 503) {
      // Shutting down: its instance is ending.
      throw new AgentUnreachableError(this.endpoint.url, new Error('503 shutting down'));
    }
    if (res.status >= 400) {
      const text = await res.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: the text is the message
      }
      throw new AgentRefusedError(res.status, `${method} ${route}`, message);
    }
    return res;
  }

  async status(): Promise<AgentStatus> {
    return (await (await this.#call('GET', '/status')).json()) as AgentStatus;
  }

  /**
   * Starts task `id` running `argv` (its start at `startSeconds` identifies the request: asked
   * again, the agent returns the same task), resumed from `resumeFrom` (a path on the agent).
   */
  async startCommand(
    id: string,
    argv: readonly string[],
    startSeconds: number,
    resumeFrom?: string,
  ): Promise<AgentTask> {
    const res = await this.#call('POST', '/tasks', {
      id,
      argv,
      startSeconds,
      ...(resumeFrom ? { resumeFrom } : {}),
    });
    return (await res.json()) as AgentTask;
  }

  /** Starts synthetic task `id`, resumed from `resumeFrom` (a path on the agent). */
  async startSynthetic(id: string, spec: SyntheticSpec, resumeFrom?: string): Promise<AgentTask> {
    const res = await this.#call('POST', '/tasks', {
      id,
      synthetic: spec,
      ...(resumeFrom ? { resumeFrom } : {}),
    });
    return (await res.json()) as AgentTask;
  }

  /** Has synthetic task `id` checkpoint `progressSeconds` at `atSeconds`. */
  async checkpointSynthetic(id: string, atSeconds: number, progressSeconds: number): Promise<void> {
    await this.#call('POST', `/tasks/${id}/checkpoint`, { atSeconds, progressSeconds });
  }

  /** Has command task `id` checkpoint now (the agent signals it and waits for its file). */
  async checkpointCommand(id: string): Promise<void> {
    await this.#call('POST', `/tasks/${id}/checkpoint`, {});
  }

  /** Task `id`'s latest checkpoint; undefined when it has none. */
  async checkpoint(id: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(
        await (await this.#call('GET', `/tasks/${id}/checkpoint`)).arrayBuffer(),
      );
    } catch (error) {
      if (error instanceof AgentRefusedError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Hands the agent a checkpoint for task `id`; returns its path there. */
  async putCheckpoint(id: string, bytes: Uint8Array): Promise<string> {
    const res = await this.#call('PUT', `/tasks/${id}/checkpoint`, bytes);
    return ((await res.json()) as { path: string }).path;
  }

  /** Stops task `id` (a no-op when it is not running). */
  /** Has the agent upload task `id`'s latest checkpoint to S3; resolves to its size, bytes. */
  async uploadCheckpoint(id: string, at: S3Location): Promise<number> {
    const res = await this.#call('POST', `/tasks/${id}/checkpoint/upload`, at);
    return ((await res.json()) as { bytes: number }).bytes;
  }

  /** Has the agent download task `id`'s checkpoint from S3; resolves to its path there. */
  async restoreCheckpoint(id: string, at: S3Location): Promise<string> {
    const res = await this.#call('POST', `/tasks/${id}/checkpoint/restore`, at);
    return ((await res.json()) as { path: string }).path;
  }

  /** Task `id`'s output lines from index `after` (at most 1000), and how many it has. */
  async log(id: string, after: number): Promise<{ lines: string[]; total: number }> {
    const res = await this.#call('GET', `/tasks/${id}/log?after=${after}`);
    return (await res.json()) as { lines: string[]; total: number };
  }

  async stop(id: string): Promise<void> {
    await this.#call('DELETE', `/tasks/${id}`);
  }
}
