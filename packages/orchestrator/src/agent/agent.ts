/**
 * The instance agent (live.md, "Instance agent and the task contract"). On each instance it runs
 * the tasks the orchestrator gives it — an argv array, never a shell string — with
 * `SYNKTI_TASK_ID`, `SYNKTI_CHECKPOINT_DIR` and `SYNKTI_RESUME_FROM`; reads their
 * `SYNKTI_PROGRESS` and `SYNKTI_CHECKPOINT` lines; polls the instance's metadata (IMDSv2) every
 * `pollMs` (≤ 250 ms) and, at an interruption notice, writes the termination time to
 * `SYNKTI_CHECKPOINT_DEADLINE` in each task's checkpoint directory and sends it SIGUSR1.
 * Checkpoints move between agents over HTTP: the source serves a task's latest checkpoint, the
 * destination accepts one and hands its path to the task it starts.
 *
 * It serves on loopback only (agent-api.ts), and every request carries its secret as a bearer
 * token (compared in constant time). Bodies are limited to 64 MB (checkpoints) or 64 kB.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { agentApi } from './agent-api.js';
import { ImdsClient, type InstanceAction } from './imds-client.js';
import { AgentS3, type S3Location } from './s3-checkpoints.js';
import {
  checkSyntheticSpec,
  readSyntheticCheckpoint,
  type SyntheticSpec,
  syntheticFinishesAt,
  syntheticProgressAt,
  writeSyntheticCheckpoint,
} from './synthetic.js';
import { lineSplitter, TaskLogs } from './task-log.js';

/** Longest IMDS polling interval live.md allows, wall milliseconds. */
export const MAX_POLL_MS = 250;
/** Largest checkpoint an agent accepts, bytes. */
export const MAX_CHECKPOINT_BYTES = 64 * 1024 * 1024;

/** A task on this agent, as its status reports it. */
export interface AgentTask {
  readonly id: string;
  /** `stopped`: the orchestrator stopped it (moved elsewhere, or done). */
  state: 'running' | 'exited' | 'stopped';
  /** Exit status once exited (null when a signal ended it). */
  exitCode: number | null;
  signal: string | null;
  /** The last `SYNKTI_PROGRESS`, work-seconds. */
  progressSeconds: number;
  /** The last `SYNKTI_CHECKPOINT` file. */
  lastCheckpoint: string | null;
  /** Checkpoints it has reported so far. */
  checkpoints: number;
  /** The `SYNKTI_RESULT` line, if it printed one. */
  result: string | null;
  readonly checkpointDir: string;
  /** A synthetic task's spec, its start progress taken from its checkpoint when it resumed. */
  readonly synthetic: SyntheticSpec | null;
  /** A synthetic task: when its work is done, the cloud's seconds. */
  readonly finishesAt: number | null;
  /** Output lines of the task id here so far, every run (task-log.ts; `GET /tasks/:id/log`). */
  logLines?: number;
}

/** What an agent reports. */
export interface AgentStatus {
  readonly instanceId: string | null;
  /** The interruption notice, once IMDS has one. */
  readonly notice: InstanceAction | null;
  /** When the agent saw it, wall ms since the epoch. */
  readonly noticedAtMs: number | null;
  /** The rebalance recommendation's time (IMDS `noticeTime`), once IMDS has one. */
  readonly rebalance: string | null;
  readonly tasks: readonly AgentTask[];
}

/** A task's record as it starts: a command's, or a synthetic task's from its spec. */
function startedRecord(
  id: string,
  checkpointDir: string,
  synthetic: SyntheticSpec | null,
): AgentTask {
  return {
    id,
    state: 'running',
    exitCode: null,
    signal: null,
    progressSeconds: synthetic?.baseProgressSeconds ?? 0,
    lastCheckpoint: null,
    checkpoints: 0,
    result: null,
    checkpointDir,
    synthetic,
    finishesAt: synthetic === null ? null : syntheticFinishesAt(synthetic),
  };
}

/** A task and what the agent keeps of it. */
interface TaskEntry {
  readonly record: AgentTask;
  readonly child: ChildProcess | undefined;
  /** Its start request (a repeated start returns the task). */
  readonly request: string;
  /** Whether it has said a `SYNKTI_` line yet (and so can take a signal). */
  spoken: boolean;
  /** A signal waiting for it to speak. */
  signalDue: boolean;
}

/** Options of an agent. */
export interface AgentOptions {
  /** The instance's metadata base URL. */
  readonly imdsUrl: string;
  /** Where task checkpoint directories and received checkpoints go. */
  readonly workDir: string;
  /** The bearer secret (default: a random one, see {@link Agent.secret}). */
  readonly secret?: string;
  readonly port?: number;
  /**
   * The address to serve on. Default 127.0.0.1; on EC2 the instance's private address, so the
   * orchestrator reaches it (within the security group; the secret still guards every request).
   */
  readonly host?: string;
  /** IMDS polling interval, wall ms (≤ {@link MAX_POLL_MS}). Default 200. */
  readonly pollMs?: number;
}

/** See the file comment. */
export class Agent {
  readonly secret: string;
  readonly #s3 = new AgentS3();
  readonly #imds: ImdsClient;
  readonly #tasks = new Map<string, TaskEntry>();
  /** Tasks' output (task-log.ts). */
  readonly logs = new TaskLogs();
  #notice: InstanceAction | null = null;
  #noticedAtMs: number | null = null;
  #rebalance: string | null = null;
  #instanceId: string | null = null;
  #app: FastifyInstance | undefined;
  #poller: NodeJS.Timeout | undefined;
  #polling = false;

  constructor(readonly options: AgentOptions) {
    const pollMs = options.pollMs ?? 200;
    if (!(pollMs > 0 && pollMs <= MAX_POLL_MS)) {
      throw new RangeError(`agent: pollMs must be in (0, ${MAX_POLL_MS}], got ${pollMs}`);
    }
    this.secret = options.secret ?? randomBytes(32).toString('hex');
    this.#imds = new ImdsClient(options.imdsUrl);
  }

  /** What the agent knows now. */
  status(): AgentStatus {
    return {
      instanceId: this.#instanceId,
      notice: this.#notice,
      noticedAtMs: this.#noticedAtMs,
      rebalance: this.#rebalance,
      tasks: [...this.#tasks.values()].map((t) => ({
        ...t.record,
        logLines: this.logs.count(t.record.id),
      })),
    };
  }

  /**
   * Starts a task. `argv[0]` is run with the rest as its arguments (no shell).
   * @throws RangeError on an empty argv, or a task id already running another request here.
   */
  startTask(
    id: string,
    argv: readonly string[],
    resumeFrom?: string,
    startSeconds?: number,
  ): AgentTask {
    if (argv.length === 0 || argv.some((a) => typeof a !== 'string')) {
      throw new RangeError('argv: expected a non-empty list of strings');
    }
    const request = JSON.stringify({ argv, startSeconds });
    const again = this.#again(id, request);
    if (again) return again;
    const checkpointDir = this.#prepare(id);
    const child = spawn(argv[0] as string, argv.slice(1), {
      env: {
        ...process.env,
        SYNKTI_TASK_ID: id,
        SYNKTI_CHECKPOINT_DIR: checkpointDir,
        SYNKTI_RESUME_FROM: resumeFrom ?? '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr?.on(
      'data',
      lineSplitter((line) => this.logs.add(id, line)),
    );
    const record = startedRecord(id, checkpointDir, null);
    const entry: TaskEntry = { record, child, request, spoken: false, signalDue: false };
    child.stdout?.on(
      'data',
      lineSplitter((line) => {
        if (!line.startsWith('SYNKTI_')) {
          this.logs.add(id, line);
          return;
        }
        if (!entry.spoken) {
          entry.spoken = true;
          if (entry.signalDue) this.#signal(entry);
        }
        const [key, value] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
        if (key === 'SYNKTI_PROGRESS' && Number.isFinite(Number(value))) {
          record.progressSeconds = Number(value);
        } else if (key === 'SYNKTI_CHECKPOINT') {
          record.lastCheckpoint = value;
          record.checkpoints++;
        } else if (key === 'SYNKTI_RESULT') record.result = line;
      }),
    );
    child.on('exit', (code, signal) => {
      if (record.state === 'stopped') return;
      record.state = 'exited';
      record.exitCode = code;
      record.signal = signal;
    });
    this.#tasks.set(id, entry);
    // A task started after the notice learns of it at once.
    if (this.#notice !== null) this.#tell(entry);
    return { ...record };
  }

  /**
   * A start with the same request as the task's last one here (the same command or spec and
   * start time) returns it, running or exited: an orchestrator restarted after a crash asks
   * again, and a task must not run twice. Another request for a running task is refused.
   */
  #again(id: string, request: string): AgentTask | undefined {
    const t = this.#tasks.get(id);
    if (t === undefined || t.record.state === 'stopped') return undefined;
    if (t.request === request) return { ...t.record };
    if (t.record.state === 'running') {
      throw new RangeError(`task ${id}: already running another request`);
    }
    return undefined;
  }

  #prepare(id: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(id)) {
      throw new RangeError(
        `task id: expected 1-100 letters, digits, ".", "_" or "-", got ${JSON.stringify(id)}`,
      );
    }
    if (this.#tasks.get(id)?.record.state === 'running')
      throw new RangeError(`task ${id}: already running`);
    const checkpointDir = path.join(this.options.workDir, 'tasks', id);
    mkdirSync(checkpointDir, { recursive: true });
    return checkpointDir;
  }

  /**
   * Starts a synthetic task (synthetic.ts); resumed from `resumeFrom`, its progress is the
   * checkpoint's. @throws RangeError on a bad spec, id or checkpoint.
   */
  startSynthetic(id: string, spec: unknown, resumeFrom?: string): AgentTask {
    const checked = checkSyntheticSpec(spec);
    const request = JSON.stringify({ synthetic: checked });
    const again = this.#again(id, request);
    if (again) return again;
    const checkpointDir = this.#prepare(id);
    const synthetic: SyntheticSpec = resumeFrom
      ? { ...checked, baseProgressSeconds: readSyntheticCheckpoint(resumeFrom, id) }
      : checked;
    const record = startedRecord(id, checkpointDir, synthetic);
    this.#tasks.set(id, { record, child: undefined, request, spoken: true, signalDue: false });
    return { ...record };
  }

  /**
   * Checkpoints synthetic task `id` at `atSeconds` (the cloud's), keeping `progressSeconds` —
   * the plan's, at most what the task has made by then. Returns the file.
   */
  checkpointSynthetic(id: string, atSeconds: number, progressSeconds: number): string {
    const record = this.#tasks.get(id)?.record;
    if (record?.synthetic == null) throw new RangeError(`task ${id}: no synthetic task here`);
    const made = syntheticProgressAt(record.synthetic, atSeconds);
    if (!(progressSeconds <= made * (1 + 1e-12) + 1e-9)) {
      throw new RangeError(
        `task ${id}: cannot keep ${progressSeconds} work-seconds at ${atSeconds} s; it has made ${made}`,
      );
    }
    const file = path.join(record.checkpointDir, 'checkpoint.bin');
    writeSyntheticCheckpoint(file, id, progressSeconds, record.synthetic.stateMb);
    record.progressSeconds = progressSeconds;
    record.lastCheckpoint = file;
    record.checkpoints++;
    return file;
  }

  /**
   * Has command task `id` checkpoint now (SIGUSR1) and waits, at most `timeoutMs` of wall time,
   * for its `SYNKTI_CHECKPOINT`; returns the file. A task that has exited returns its last one.
   * @throws RangeError when there is no such task or it made no checkpoint in time.
   */
  async checkpointCommand(id: string, timeoutMs = 30_000): Promise<string> {
    const t = this.#tasks.get(id);
    if (t?.child === undefined) throw new RangeError(`task ${id}: no command task here`);
    const before = t.record.checkpoints;
    this.#signal(t);
    for (let waited = 0; waited < timeoutMs; waited += 20) {
      if (t.record.checkpoints > before || t.record.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (t.record.lastCheckpoint === null) {
      throw new RangeError(`task ${id}: no checkpoint within ${timeoutMs} ms`);
    }
    return t.record.lastCheckpoint;
  }

  /** Stops task `id` (moved elsewhere, or done); a no-op for one not running. */
  stopTask(id: string): void {
    const t = this.#tasks.get(id);
    if (t === undefined || t.record.state !== 'running') return;
    t.record.state = 'stopped';
    t.child?.kill('SIGKILL');
  }

  /** Stores a checkpoint received for `id`; returns its path (the task's SYNKTI_RESUME_FROM). */
  receiveCheckpoint(id: string, bytes: Buffer): string {
    const dir = path.join(this.options.workDir, 'incoming');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${id}.checkpoint`);
    writeFileSync(file, bytes);
    return file;
  }

  #tell(entry: TaskEntry): void {
    const { record } = entry;
    if (this.#notice === null || record.state !== 'running' || entry.child === undefined) return;
    writeFileSync(
      path.join(record.checkpointDir, 'SYNKTI_CHECKPOINT_DEADLINE'),
      `${this.#notice.time}\n`,
    );
    this.#signal(entry);
  }

  /**
   * Sends the task SIGUSR1 — once it has said its first `SYNKTI_` line: before that it may not
   * have installed its handler, and a signal would be lost (Node.js, for one, would start its
   * inspector instead). The deadline file is there for it either way.
   */
  #signal(entry: TaskEntry): void {
    if (entry.record.state !== 'running') return;
    if (!entry.spoken) {
      entry.signalDue = true;
      return;
    }
    entry.signalDue = false;
    entry.child?.kill('SIGUSR1');
  }

  async #poll(): Promise<void> {
    if (this.#polling || this.#notice !== null) return;
    this.#polling = true;
    try {
      this.#instanceId ??= await this.#imds.instanceId();
      this.#rebalance ??= (await this.#imds.rebalance()) ?? null;
      const action = await this.#imds.instanceAction();
      if (action !== undefined) {
        this.#notice = action;
        this.#noticedAtMs = Date.now();
        for (const t of this.#tasks.values()) this.#tell(t);
      }
    } catch {
      // The metadata service is unreachable for a moment: poll again next time.
    } finally {
      this.#polling = false;
    }
  }

  /** Whether task `id` here runs a command or is synthetic; undefined for no such task. */
  kindOf(id: string): 'command' | 'synthetic' | undefined {
    const t = this.#tasks.get(id);
    return t === undefined ? undefined : t.child === undefined ? 'synthetic' : 'command';
  }

  /** Task `id`'s latest checkpoint file, if it has one that exists. */
  checkpointFile(id: string): string | undefined {
    const file = this.#tasks.get(id)?.record.lastCheckpoint;
    return file && existsSync(file) ? file : undefined;
  }

  /** Serves the agent's API (agent-api.ts) and starts polling IMDS. Resolves to its URL. */
  async start(): Promise<string> {
    const app = agentApi(this);
    const url = await app.listen({
      host: this.options.host ?? '127.0.0.1',
      port: this.options.port ?? 0,
    });
    this.#app = app;
    this.#poller = setInterval(() => void this.#poll(), this.options.pollMs ?? 200);
    void this.#poll();
    return url;
  }

  /**
   * Uploads task `id`'s latest checkpoint to S3 (s3-checkpoints.ts); resolves to its size,
   * bytes. @throws RangeError when it has none.
   */
  async uploadCheckpoint(id: string, at: S3Location): Promise<number> {
    const file = this.checkpointFile(id);
    if (file === undefined) throw new RangeError(`task ${id}: no checkpoint to upload`);
    return this.#s3.upload(file, at);
  }

  /**
   * Downloads task `id`'s checkpoint from S3 and keeps it as a received one; resolves to its
   * path (the task's resume file). @throws RangeError when there is no such object.
   */
  async restoreCheckpoint(id: string, at: S3Location): Promise<string> {
    const bytes = await this.#s3.download(at);
    if (bytes === undefined) {
      throw new RangeError(`task ${id}: no checkpoint at s3://${at.bucket}/${at.key}`);
    }
    return this.receiveCheckpoint(id, Buffer.from(bytes));
  }

  /** Stops polling and serving; kills the tasks (an instance going away). */
  async stop(): Promise<void> {
    this.#s3.close();
    if (this.#poller) clearInterval(this.#poller);
    for (const t of this.#tasks.values())
      if (t.record.state === 'running') t.child?.kill('SIGKILL');
    await this.#app?.close();
  }
}
