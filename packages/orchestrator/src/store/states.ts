/**
 * The job and instance state machines of live mode (persisted; SkyPilot's managed jobs are the
 * model). Every transition is checked against these tables and recorded with its reason.
 *
 * Job: PENDING → STARTING → RUNNING → SUCCEEDED, and on a notice
 * RUNNING | STARTING → NOTICED → CHECKPOINTING → MIGRATING (to a destination the planner chose)
 * | RECOVERING (no destination: the policy places it again) → STARTING → RUNNING. A NOTICED job
 * still starts computing or completes if that falls before the notice's detection (as
 * simulate): it stays NOTICED, or goes to SUCCEEDED. A job whose
 * instance vanishes is RECOVERING too. FAILED (with its cause) and CANCELLED from any state
 * that is not final. A job keeps its id through any number of recoveries.
 *
 * Instance: REQUESTED (the intent, before the cloud call) → BOOTING → RUNNING → NOTICED →
 * TERMINATED; REQUESTED → FAILED when the launch is refused; any live state → TERMINATED when
 * released or lost.
 */

/** A job's state. */
export type JobState =
  | 'PENDING'
  | 'STARTING'
  | 'RUNNING'
  | 'NOTICED'
  | 'CHECKPOINTING'
  | 'MIGRATING'
  | 'RECOVERING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'CANCELLED';

/** An instance's state. */
export type InstanceRecordState =
  | 'REQUESTED'
  | 'BOOTING'
  | 'RUNNING'
  | 'NOTICED'
  | 'TERMINATED'
  | 'FAILED';

/** Allowed job transitions (final states have none). */
export const JOB_TRANSITIONS: Readonly<Record<JobState, readonly JobState[]>> = {
  PENDING: ['STARTING', 'FAILED', 'CANCELLED'],
  STARTING: ['RUNNING', 'NOTICED', 'RECOVERING', 'FAILED', 'CANCELLED'],
  RUNNING: ['SUCCEEDED', 'NOTICED', 'RECOVERING', 'FAILED', 'CANCELLED'],
  NOTICED: ['CHECKPOINTING', 'RECOVERING', 'SUCCEEDED', 'FAILED', 'CANCELLED'],
  CHECKPOINTING: ['MIGRATING', 'RECOVERING', 'FAILED', 'CANCELLED'],
  MIGRATING: ['RUNNING', 'NOTICED', 'RECOVERING', 'FAILED', 'CANCELLED'],
  RECOVERING: ['STARTING', 'FAILED', 'CANCELLED'],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
};

/** Allowed instance transitions. */
export const INSTANCE_TRANSITIONS: Readonly<
  Record<InstanceRecordState, readonly InstanceRecordState[]>
> = {
  REQUESTED: ['BOOTING', 'RUNNING', 'FAILED', 'TERMINATED'],
  BOOTING: ['RUNNING', 'NOTICED', 'TERMINATED'],
  RUNNING: ['NOTICED', 'TERMINATED'],
  NOTICED: ['TERMINATED'],
  TERMINATED: [],
  FAILED: [],
};

/** Job states in which the job waits for the policy to place it. */
export const WAITING_JOB_STATES: readonly JobState[] = ['PENDING', 'RECOVERING'];
/** Final job states. */
export const FINAL_JOB_STATES: readonly JobState[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
/** Instance states of an instance that exists (or may) in the cloud. */
export const LIVE_INSTANCE_STATES: readonly InstanceRecordState[] = [
  'REQUESTED',
  'BOOTING',
  'RUNNING',
  'NOTICED',
];

/** A transition the tables do not allow: a bug in the orchestrator, never silently applied. */
export class TransitionError extends Error {
  constructor(
    readonly what: 'job' | 'instance',
    readonly id: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${what} ${id}: no transition from ${from} to ${to}`);
    this.name = 'TransitionError';
  }
}
