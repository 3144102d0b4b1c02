/**
 * Jobs' output, kept in the store as the orchestrator reads it from the agents (schema version
 * 4): a job's lines outlive the instance that printed them, a crash of the orchestrator, and
 * the job's moves between instances. A line is what a task printed on stdout or stderr that is
 * not one of the agent's `SYNKTI_` protocol lines.
 */

import type { AgentClient } from '../agent/agent-client.js';
import type { LiveStore } from './store.js';

/** One kept line. */
export interface LogLine {
  /** Order among every job's lines. */
  readonly seq: number;
  /** The instance whose agent reported it (its token). */
  readonly instance: string;
  /** Cloud seconds, when the orchestrator read it. */
  readonly t: number;
  readonly line: string;
}

/** Keeps `lines` of job `jobId` as read from instance `token`'s agent at cloud time `t`. */
export function appendLogs(
  store: LiveStore,
  jobId: string,
  token: string,
  t: number,
  lines: readonly string[],
): void {
  const insert = store.prepare(
    'INSERT INTO job_logs (job_id, instance_token, t, line) VALUES (?, ?, ?, ?)',
  );
  store.transaction(() => {
    for (const line of lines) insert.run(jobId, token, t, line);
  });
}

/** How many lines of job `jobId` instance `token`'s agent has reported (where to read on). */
export function logCount(store: LiveStore, jobId: string, token: string): number {
  return (
    store
      .prepare('SELECT COUNT(*) AS n FROM job_logs WHERE job_id = ? AND instance_token = ?')
      .get(jobId, token) as { n: number }
  ).n;
}

/** Job `jobId`'s lines after `afterSeq`, at most `limit`, oldest first. */
export function jobLogs(store: LiveStore, jobId: string, afterSeq = 0, limit = 1000): LogLine[] {
  return store
    .prepare(
      `SELECT seq, instance_token AS instance, t, line FROM job_logs
       WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
    )
    .all(jobId, afterSeq, limit) as LogLine[];
}

/**
 * Reads jobs' new output lines from their agents into the store, remembering how far it has
 * read each (job, instance) pair (after a restart: as far as the store has).
 */
export class LogReader {
  readonly #read = new Map<string, number>();

  constructor(readonly store: LiveStore) {}

  /**
   * Keeps the lines job `jobId`'s agent on instance `token` (through `client`) has beyond those
   * kept, at cloud time `t`; the agent reported `total`. An agent gone meanwhile keeps its
   * lines: they are read at its next answer, or lost with it.
   */
  async read(
    jobId: string,
    token: string,
    total: number,
    t: number,
    client: Pick<AgentClient, 'log'>,
  ): Promise<void> {
    const key = `${jobId}\u0000${token}`;
    let read = this.#read.get(key) ?? logCount(this.store, jobId, token);
    while (read < total) {
      const { lines } = await client.log(jobId, read);
      if (lines.length === 0) break;
      appendLogs(this.store, jobId, token, t, lines);
      read += lines.length;
    }
    this.#read.set(key, read);
  }
}
