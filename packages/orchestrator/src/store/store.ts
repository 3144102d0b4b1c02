/**
 * The orchestrator's durable state: one SQLite file (better-sqlite3 12) under the state
 * directory, in WAL mode with synchronous=FULL, so a committed transaction survives a crash of
 * the process or the machine. The orchestrator writes an action's intent before the action and
 * its outcome after it; every state change is one transaction that also appends to the journal.
 */

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Market, ResolvedTask } from '@synkti/sim-core';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './schema.js';
import {
  INSTANCE_TRANSITIONS,
  type InstanceRecordState,
  JOB_TRANSITIONS,
  type JobState,
  TransitionError,
} from './states.js';

/** The database file's name in the state directory. */
export const STORE_FILE = 'synkti.db';

/** A job as stored. Times in cloud seconds, work and progress in work-seconds, sizes in MB. */
export interface JobRow {
  readonly id: string;
  readonly position: number;
  readonly kind: string;
  readonly work_seconds: number;
  readonly memory_mb: number;
  readonly state_mb: number;
  readonly arrival_seconds: number;
  readonly deadline_seconds: number | null;
  readonly checkpoint_interval_seconds: number | null;
  readonly state: JobState;
  readonly reason: string;
  readonly instance_token: string | null;
  readonly base_progress_seconds: number;
  readonly last_checkpoint_seconds: number;
  readonly running_since: number | null;
  readonly starts_at: number | null;
  readonly last_instance_token: string | null;
  readonly last_market: Market | null;
  readonly detached_at: number | null;
  readonly needs_restore: number;
  readonly state_ready_at: number;
  readonly preemptions: number;
  readonly recoveries: number;
  readonly attempts: number;
  readonly displaced_at: number | null;
  readonly completed_at: number | null;
  readonly cause: string | null;
  /** The job's command, a JSON array of strings (schema version 4); null: synthetic. */
  readonly argv: string | null;
}

/** An instance as stored. */
export interface InstanceRow {
  readonly token: string;
  readonly cloud_id: string | null;
  readonly position: number;
  readonly granted_position: number | null;
  readonly type: string;
  readonly market: Market;
  readonly state: InstanceRecordState;
  readonly reason: string;
  readonly requested_at: number;
  readonly launched_at: number | null;
  readonly ready_at: number | null;
  readonly noticed_at: number | null;
  readonly terminate_at: number | null;
  readonly ended_at: number | null;
  /** When it got a rebalance recommendation (schema version 2). */
  readonly rebalance_at: number | null;
  /** What the cloud has billed for it so far, USD (schema version 4; sampled as the run goes). */
  readonly billed_usd: number | null;
  /** Its billed time at the on-demand price, USD: the counterfactual (schema version 4). */
  readonly counterfactual_usd: number | null;
}

/** One journal entry. */
export interface JournalRow {
  readonly seq: number;
  readonly t: number;
  readonly what: 'job' | 'instance' | 'run';
  readonly id: string;
  readonly from_state: string | null;
  readonly to_state: string | null;
  readonly reason: string;
}

/** Fields of a job row that change with its working state. */
export type JobPatch = Partial<Omit<JobRow, 'id' | 'position' | 'state' | 'reason'>>;
type InstancePatch = Partial<Omit<InstanceRow, 'token' | 'position' | 'state' | 'reason'>>;

/** See the file comment. */
export class LiveStore {
  readonly db: Database.Database;
  /** Prepared statements by their SQL: each is compiled once per connection. */
  readonly #statements = new Map<string, Database.Statement>();

  /**
   * Opens (creating if needed) the store in `stateDir`, and brings its schema up to date; or,
   * `readonly`, opens an existing store to read while its orchestrator writes (WAL allows it).
   */
  constructor(
    readonly stateDir: string,
    options: { readonly readonly?: boolean } = {},
  ) {
    if (options.readonly) {
      this.db = new Database(path.join(stateDir, STORE_FILE), {
        readonly: true,
        fileMustExist: true,
      });
      return;
    }
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.db = new Database(path.join(stateDir, STORE_FILE));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.#migrate();
  }

  /** The prepared statement of `sql`, compiled on its first use and kept. */
  prepare(sql: string): Database.Statement {
    let st = this.#statements.get(sql);
    if (st === undefined) {
      st = this.db.prepare(sql);
      this.#statements.set(sql, st);
    }
    return st;
  }

  /** Entries in the journal (a measure of how far the run has gone). */
  journalLength(): number {
    return (this.prepare('SELECT COUNT(*) AS n FROM journal').get() as { n: number }).n;
  }

  /** The schema version (number of migrations applied). */
  get version(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  #migrate(): void {
    for (let v = this.version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v] as string);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  close(): void {
    this.db.close();
  }

  /** Runs `fn` in one transaction: all of it is durable, or none. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // --- the run's settings ---

  getMeta(key: string): string | undefined {
    const row = this.prepare('SELECT value FROM meta WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  // --- jobs ---

  /** Submits jobs (PENDING), in order, at cloud time `t`; a job with `argv` runs that command. */
  insertJobs(
    tasks: readonly (ResolvedTask & { readonly argv?: readonly string[] | undefined })[],
    t: number,
  ): void {
    const insert = this.prepare(
      `INSERT INTO jobs (id, position, kind, work_seconds, memory_mb, state_mb, arrival_seconds,
        deadline_seconds, checkpoint_interval_seconds, argv, state, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 'submitted')`,
    );
    const base = (this.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n;
    this.transaction(() => {
      for (const [k, task] of tasks.entries()) {
        insert.run(
          task.id,
          base + k,
          task.kind,
          task.workSeconds,
          task.memoryMb,
          task.stateMb,
          task.arrivalSeconds,
          task.deadlineSeconds ?? null,
          task.checkpointIntervalSeconds ?? null,
          task.argv === undefined ? null : JSON.stringify(task.argv),
        );
        this.#journal(t, 'job', task.id, null, 'PENDING', 'submitted');
      }
    });
  }

  job(id: string): JobRow | undefined {
    return this.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
  }

  /** Jobs in submission order, optionally only those in `states`. */
  jobs(states?: readonly JobState[]): JobRow[] {
    if (states === undefined) {
      return this.prepare('SELECT * FROM jobs ORDER BY position').all() as JobRow[];
    }
    const marks = states.map(() => '?').join(', ');
    return this.db
      .prepare(`SELECT * FROM jobs WHERE state IN (${marks}) ORDER BY position`)
      .all(...states) as JobRow[];
  }

  /** A page of jobs in submission order (of one state, when given), and how many there are. */
  jobsPage(
    state: JobState | undefined,
    limit: number,
    offset: number,
  ): { readonly total: number; readonly rows: JobRow[] } {
    const where = state === undefined ? '' : 'WHERE state = ?';
    const args = state === undefined ? [] : [state];
    const total = (
      this.prepare(`SELECT COUNT(*) AS n FROM jobs ${where}`).get(...args) as { n: number }
    ).n;
    const rows = this.db
      .prepare(`SELECT * FROM jobs ${where} ORDER BY position LIMIT ? OFFSET ?`)
      .all(...args, limit, offset) as JobRow[];
    return { total, rows };
  }

  /** Updates fields of a job without a state change. */
  patchJob(id: string, patch: JobPatch): void {
    const keys = Object.keys(patch);
    if (keys.length === 0) return;
    this.db
      .prepare(`UPDATE jobs SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`)
      .run({ ...patch, id });
  }

  /**
   * Moves a job to `to` for `reason` (and updates `patch`), journaled.
   * @throws TransitionError when the job's state machine has no such transition.
   */
  transitionJob(id: string, to: JobState, reason: string, t: number, patch: JobPatch = {}): void {
    const job = this.job(id);
    if (job === undefined) throw new Error(`job ${id}: not in the store`);
    if (!JOB_TRANSITIONS[job.state].includes(to))
      throw new TransitionError('job', id, job.state, to);
    this.transaction(() => {
      this.prepare('UPDATE jobs SET state = ?, reason = ? WHERE id = ?').run(to, reason, id);
      this.patchJob(id, patch);
      if ('instance_token' in patch && patch.instance_token !== job.instance_token) {
        this.#stretch(id, job.instance_token, patch.instance_token ?? null, t);
      }
      this.#journal(t, 'job', id, job.state, to, reason);
    });
  }

  /** The job leaves instance `from` and goes onto `to` at `t` (its stretches on instances). */
  #stretch(id: string, from: string | null, to: string | null, t: number): void {
    if (from !== null) {
      this.db
        .prepare(
          'UPDATE stretches SET to_t = ? WHERE job_id = ? AND instance_token = ? AND to_t IS NULL',
        )
        .run(t, id, from);
    }
    if (to !== null) {
      this.db
        .prepare(
          'INSERT OR IGNORE INTO stretches (job_id, instance_token, from_t) VALUES (?, ?, ?)',
        )
        .run(id, to, t);
    }
  }

  // --- instances ---

  /**
   * Records the intent to launch, before the cloud is asked: REQUESTED with its idempotency
   * token. A crash after this and before its outcome is recorded is for reconciliation against
   * the cloud to resolve (docs/live.md: not built yet).
   */
  requestInstance(token: string, type: string, market: Market, t: number): InstanceRow {
    const position = (this.prepare('SELECT COUNT(*) AS n FROM instances').get() as { n: number }).n;
    this.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO instances (token, position, type, market, state, reason, requested_at)
           VALUES (?, ?, ?, ?, 'REQUESTED', 'launch requested', ?)`,
        )
        .run(token, position, type, market, t);
      this.#journal(t, 'instance', token, null, 'REQUESTED', `launch ${market} ${type}`);
    });
    return this.instance(token) as InstanceRow;
  }

  instance(token: string): InstanceRow | undefined {
    return this.prepare('SELECT * FROM instances WHERE token = ?').get(token) as
      | InstanceRow
      | undefined;
  }

  instanceByCloudId(cloudId: string): InstanceRow | undefined {
    return this.prepare('SELECT * FROM instances WHERE cloud_id = ?').get(cloudId) as
      | InstanceRow
      | undefined;
  }

  /** Instances in request order, optionally only those in `states`. */
  instances(states?: readonly InstanceRecordState[]): InstanceRow[] {
    if (states === undefined) {
      return this.prepare('SELECT * FROM instances ORDER BY position').all() as InstanceRow[];
    }
    const marks = states.map(() => '?').join(', ');
    return this.db
      .prepare(`SELECT * FROM instances WHERE state IN (${marks}) ORDER BY position`)
      .all(...states) as InstanceRow[];
  }

  /**
   * Moves an instance to `to` for `reason` (and updates `patch`), journaled.
   * @throws TransitionError when the instance's state machine has no such transition.
   */
  transitionInstance(
    token: string,
    to: InstanceRecordState,
    reason: string,
    t: number,
    patch: InstancePatch = {},
  ): void {
    const inst = this.instance(token);
    if (inst === undefined) throw new Error(`instance ${token}: not in the store`);
    if (!INSTANCE_TRANSITIONS[inst.state].includes(to)) {
      throw new TransitionError('instance', token, inst.state, to);
    }
    this.transaction(() => {
      this.db
        .prepare('UPDATE instances SET state = ?, reason = ? WHERE token = ?')
        .run(to, reason, token);
      this.patchInstance(token, patch);
      this.#journal(t, 'instance', token, inst.state, to, reason);
    });
  }

  /** Updates fields of an instance without a state change. */
  patchInstance(token: string, patch: InstancePatch): void {
    const keys = Object.keys(patch);
    if (keys.length === 0) return;
    this.db
      .prepare(
        `UPDATE instances SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE token = @token`,
      )
      .run({ ...patch, token });
  }

  // --- the journal ---

  /** Records something that happened to the run (not a state change). */
  note(t: number, id: string, reason: string): void {
    this.#journal(t, 'run', id, null, null, reason);
  }

  journal(): JournalRow[] {
    return this.prepare('SELECT * FROM journal ORDER BY seq').all() as JournalRow[];
  }

  #journal(
    t: number,
    what: JournalRow['what'],
    id: string,
    from: string | null,
    to: string | null,
    reason: string,
  ): void {
    this.db
      .prepare(
        'INSERT INTO journal (t, what, id, from_state, to_state, reason) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(t, what, id, from, to, reason);
  }
}
