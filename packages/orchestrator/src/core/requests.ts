/**
 * A server's requests (store/requests.ts) carried out by its orchestrator, in the order they
 * came: a submission becomes a PENDING job arriving now; a cancellation cancels a job that is not
 * final. Each request is marked handled, with its outcome, in the same transaction as the job
 * changes it causes (the driver's look is one transaction), so none is lost or done twice.
 */

import type { JobRequests, JobSpec, RequestRow } from '../store/requests.js';
import { FINAL_JOB_STATES } from '../store/states.js';
import type { JobRow } from '../store/store.js';
import { LiveTask } from './objects.js';
import type { Orchestrator } from './orchestrator.js';

/** Carries out every request not handled yet; returns how many there were. */
export function takeRequests(o: Orchestrator, requests: JobRequests): number {
  const { store } = o.options;
  const rows = requests.unhandled();
  if (rows.length === 0) return 0;
  store.transaction(() => {
    for (const r of rows) requests.handled(r.seq, o.now, take(o, r));
  });
  return rows.length;
}

function take(o: Orchestrator, r: RequestRow): string {
  if (r.kind === 'submit') return submit(o, r.job_id, JSON.parse(r.body as string) as JobSpec);
  const task = o.tasks.get(r.job_id);
  if (task === undefined) return `no job ${r.job_id}`;
  if (FINAL_JOB_STATES.includes(task.jobState)) return `already ${task.jobState}`;
  o.lifecycle.cancel(task, 'cancelled by request');
  return 'cancelled';
}

function submit(o: Orchestrator, id: string, spec: JobSpec): string {
  const { store } = o.options;
  const fits = o.instanceTypes.some((t) => t.gpuMemoryMb >= spec.memoryMb);
  const now = o.now;
  store.insertJobs(
    [
      {
        id,
        kind: spec.kind,
        workSeconds: spec.workSeconds,
        memoryMb: spec.memoryMb,
        stateMb: spec.stateMb,
        arrivalSeconds: now,
        deadlineSeconds:
          spec.deadlineAfterSeconds === undefined ? undefined : now + spec.deadlineAfterSeconds,
        checkpointIntervalSeconds: spec.checkpointIntervalSeconds,
        argv: spec.argv,
      },
    ],
    now,
  );
  const task = new LiveTask(store.job(id) as JobRow, o.storageMBps);
  task.clock = () => o.now;
  o.tasks.set(id, task);
  if (!fits) {
    // The API refuses these; one that got here (an older server's request) fails, not waits.
    task.status = 'completed';
    task.cause = `needs ${spec.memoryMb} MB; no instance type has that much GPU memory`;
    o.lifecycle.setJob(task, 'FAILED', task.cause);
    return 'failed: does not fit';
  }
  o.scheduleArrival(task);
  return 'accepted';
}
