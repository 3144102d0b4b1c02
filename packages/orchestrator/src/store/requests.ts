/**
 * Requests to a running server (`synkti serve`): submit a job, cancel one. Whoever takes a
 * request (the REST API, in the server's process or beside it) makes it durable here and
 * answers at once with the job's id; the orchestrator takes requests in order at its next look
 * (core/requests.ts), and marks each handled in the same transaction as the job changes it
 * causes. So a request committed before a crash is carried out once after the restart, and one
 * handled before it is never carried out again.
 *
 * A submitted job's id is `job-<seq>`: unique in the store, known to the client before the
 * orchestrator has seen the job.
 */

import type { LiveStore } from './store.js';

/** What a submitted job is: its demand, as a scenario's task gives it. */
export interface JobSpec {
  /** Open, as model.md's task kinds (training, inference, batch, …). */
  readonly kind: string;
  /** Work to do, work-seconds (seconds on a type of speed 1). */
  readonly workSeconds: number;
  /** GPU memory it needs, MB. */
  readonly memoryMb: number;
  /** Checkpoint state it moves on a migration, MB. */
  readonly stateMb: number;
  /** Deadline, seconds after its submission (none: no deadline). */
  readonly deadlineAfterSeconds?: number | undefined;
  /** Periodic checkpoint interval, work-seconds (none: checkpoints only at notices). */
  readonly checkpointIntervalSeconds?: number | undefined;
  /** The command it runs on its instance's agent, an argv array (none: a synthetic task). */
  readonly argv?: readonly string[] | undefined;
}

/** A request as kept. */
export interface RequestRow {
  readonly seq: number;
  readonly kind: 'submit' | 'cancel';
  readonly job_id: string;
  /** A submission's {@link JobSpec}, JSON. */
  readonly body: string | null;
  /** Wall ms since the epoch. */
  readonly received_at_ms: number;
  /** Cloud seconds, once handled. */
  readonly handled_at: number | null;
  readonly outcome: string | null;
}

/** See the file comment. */
export class JobRequests {
  constructor(readonly store: LiveStore) {}

  /** Keeps a submission; returns the job's id. */
  submit(spec: JobSpec, receivedAtMs = Date.now()): string {
    const { store } = this;
    return store.transaction(() => {
      const r = store
        .prepare(
          "INSERT INTO requests (kind, job_id, body, received_at_ms) VALUES ('submit', '', ?, ?)",
        )
        .run(JSON.stringify(spec), receivedAtMs);
      const id = `job-${String(r.lastInsertRowid)}`;
      store.prepare('UPDATE requests SET job_id = ? WHERE seq = ?').run(id, r.lastInsertRowid);
      return id;
    });
  }

  /** Keeps a cancellation of job `id`. */
  cancel(id: string, receivedAtMs = Date.now()): void {
    this.store
      .prepare("INSERT INTO requests (kind, job_id, received_at_ms) VALUES ('cancel', ?, ?)")
      .run(id, receivedAtMs);
  }

  /** Requests not handled yet, in the order they came. */
  unhandled(): RequestRow[] {
    return this.store
      .prepare('SELECT * FROM requests WHERE handled_at IS NULL ORDER BY seq')
      .all() as RequestRow[];
  }

  /** Whether any request waits to be handled. */
  waiting(): boolean {
    return (
      this.store.prepare('SELECT 1 FROM requests WHERE handled_at IS NULL LIMIT 1').get() !==
      undefined
    );
  }

  /** The submission of job `id`, if it was submitted to a server. */
  submission(id: string): RequestRow | undefined {
    return this.store
      .prepare("SELECT * FROM requests WHERE kind = 'submit' AND job_id = ?")
      .get(id) as RequestRow | undefined;
  }

  /** Whether a cancellation of job `id` waits to be handled. */
  cancelPending(id: string): boolean {
    return (
      this.store
        .prepare(
          "SELECT 1 FROM requests WHERE kind = 'cancel' AND job_id = ? AND handled_at IS NULL",
        )
        .get(id) !== undefined
    );
  }

  /** Marks request `seq` handled at cloud time `t`, with what became of it. */
  handled(seq: number, t: number, outcome: string): void {
    this.store
      .prepare('UPDATE requests SET handled_at = ?, outcome = ? WHERE seq = ?')
      .run(t, outcome, seq);
  }
}
