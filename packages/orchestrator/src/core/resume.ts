/**
 * Resuming a run from its store after the orchestrator was killed: the working copy of jobs and
 * instances is rebuilt from the rows, and every timer the rows imply is scheduled again (a
 * pending arrival, a start after boot and restore, a completion, a detection, an idle release),
 * then the policy is asked to decide. Reconciliation against the cloud (reconcile.ts) follows.
 *
 * Each step of a run commits as one transaction (run-live.ts), so the rows are those after some
 * whole step; a cloud call in flight is an intent (REQUESTED) that reconciliation settles.
 */

import type { InstanceState } from '@synkti/sim-core';
import type { InstanceRecordState } from '../store/states.js';
import type { InstanceRow, JobRow } from '../store/store.js';
import { LiveInstance, type LiveTask } from './objects.js';
import { type LiveTallies, type Orchestrator, P_STATE, TALLIES } from './orchestrator.js';

const VIEW_STATE: Partial<Record<InstanceRecordState, InstanceState>> = {
  BOOTING: 'booting',
  RUNNING: 'running',
  NOTICED: 'notified',
};

/** See the file comment. */
export function resumeFromStore(o: Orchestrator): void {
  const { store } = o.options;
  const saved = store.getMeta(TALLIES);
  if (saved !== undefined) Object.assign(o.tallies, JSON.parse(saved) as LiveTallies);
  const byToken = new Map<string, LiveInstance>();
  const granted = store
    .instances()
    .filter((r) => r.granted_position !== null)
    .sort((a, b) => (a.granted_position as number) - (b.granted_position as number));
  for (const row of granted) {
    const inst = instanceOf(o, row);
    o.instances.push(inst);
    o.byView.set(inst.id, inst);
    o.byCloudId.set(inst.cloudId, inst);
    byToken.set(row.token, inst);
  }
  for (const row of store.jobs()) resumeJob(o, o.tasks.get(row.id) as LiveTask, row, byToken);
  for (const inst of o.instances) {
    if (inst.state === 'notified') {
      const row = store.instance(inst.token) as InstanceRow;
      const at = Math.max(o.now, (row.noticed_at as number) + o.detectionLatencySeconds);
      if ([...inst.tasks].some((t) => t.jobState === 'NOTICED')) {
        o.lifecycle.scheduleDetection(inst, at - o.now);
      }
    } else if (inst.accepting && inst.tasks.size === 0) {
      o.lifecycle.scheduleIdle(inst);
    }
  }
  o.engine.scheduleAt(o.now, () => o.requestDecision(), 'resumed', P_STATE);
}

function instanceOf(o: Orchestrator, row: InstanceRow): LiveInstance {
  const type = o.instanceTypes.find((t) => t.name === row.type);
  if (type === undefined) throw new Error(`instance ${row.token}: unknown type ${row.type}`);
  const inst = new LiveInstance(
    row.token,
    row.granted_position as number,
    type,
    row.market,
    row.launched_at as number,
    row.ready_at as number,
    row.cloud_id as string,
  );
  inst.rebalanceRecommendedAt = row.rebalance_at ?? undefined;
  const state = VIEW_STATE[row.state];
  if (state !== undefined) inst.state = state;
  else {
    inst.state = row.reason === 'terminated' ? 'terminated' : 'released';
    inst.endedAt = row.ended_at ?? undefined;
  }
  return inst;
}

function resumeJob(
  o: Orchestrator,
  task: LiveTask,
  row: JobRow,
  instances: ReadonlyMap<string, LiveInstance>,
): void {
  task.jobState = row.state;
  task.baseProgress = row.base_progress_seconds;
  task.lastCheckpoint = row.last_checkpoint_seconds;
  task.lastMarket = row.last_market ?? undefined;
  task.detachedAtSeconds = row.detached_at ?? undefined;
  task.needsRestore = row.needs_restore === 1;
  task.stateReadyAt = row.state_ready_at;
  task.preemptions = row.preemptions;
  task.displacedAt = row.displaced_at ?? undefined;
  task.completedAt = row.completed_at ?? undefined;
  const last = row.last_instance_token ? instances.get(row.last_instance_token) : undefined;
  task.lastInstanceId = last?.id;
  const inst = row.instance_token ? instances.get(row.instance_token) : undefined;
  switch (row.state) {
    case 'SUCCEEDED':
    case 'FAILED':
    case 'CANCELLED':
      task.status = 'completed';
      return;
    case 'PENDING':
    case 'RECOVERING':
    case 'CHECKPOINTING': // (never left at a step's end; treated as waiting)
      task.status = 'pending';
      if (task.arrivalSeconds <= o.now) o.pending.add(task);
      else o.scheduleArrival(task);
      return;
    default:
      break;
  }
  // STARTING, MIGRATING, RUNNING, NOTICED: on an instance.
  if (inst === undefined) throw new Error(`job ${row.id}: ${row.state} without an instance`);
  inst.attach(task);
  if (row.running_since !== null) {
    task.status = 'running';
    task.runningSince = row.running_since;
    task.speed = inst.type.speed;
    o.lifecycle.scheduleCompletion(task);
  } else {
    task.status = 'assigned';
    task.startsAt = row.starts_at ?? o.now;
    o.lifecycle.scheduleStart(task, Math.max(o.now, task.startsAt));
  }
}
