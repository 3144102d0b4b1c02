/**
 * Reconciliation (live.md): on a restart, the store against the cloud's `describe()`. The cloud
 * is the truth about what exists; the store is the truth about what the orchestrator meant:
 *
 * - an intent (REQUESTED) whose token the cloud has launched is adopted (the crash came between
 *   the launch and its outcome), even if it has ended since (its end is among the cloud's
 *   events, read next); one the cloud never launched is FAILED;
 * - an instance the store has ended (released) but the cloud still runs is terminated again
 *   (the crash came between the record and the call);
 * - an instance tagged with this run whose token the store has never seen is an orphan and is
 *   terminated;
 * - an instance the store has live but the cloud no longer describes has vanished: after the
 *   cloud's own events are read (its termination is among them), what is still on it is
 *   recovered.
 */

import type { CloudInstance, CloudProvider } from '../cloud/provider.js';
import type { Orchestrator } from './orchestrator.js';

/** Settles intents and orphans; returns the instances to check after the cloud's events. */
export async function reconcile(o: Orchestrator, cloud: CloudProvider): Promise<string[]> {
  const { store, runId } = o.options;
  const described = await cloud.describe();
  const byToken = new Map<string, CloudInstance>(described.map((c) => [c.token, c]));
  for (const row of store.instances()) {
    const there = byToken.get(row.token);
    if (row.state === 'REQUESTED') {
      if (there === undefined) {
        store.transitionInstance(
          row.token,
          'FAILED',
          'not launched (found after a restart)',
          o.now,
        );
      } else {
        o.lifecycle.adopt(
          row.token,
          there.id,
          there.launchedAt,
          there.readyAt,
          'adopted after a restart',
        );
      }
    } else if (
      (row.state === 'TERMINATED' || row.state === 'FAILED') &&
      there !== undefined &&
      there.state !== 'terminated'
    ) {
      store.note(o.now, row.token, 'terminating again after a restart: the cloud still runs it');
      await cloud.terminate(there.id);
    }
  }
  for (const c of described) {
    if (c.jobTag === runId && c.state !== 'terminated' && store.instance(c.token) === undefined) {
      store.note(o.now, c.id, `terminating an orphan of this run (token ${c.token})`);
      await cloud.terminate(c.id);
    }
  }
  o.agents.resumed(described);
  const alive = new Set(described.filter((c) => c.state !== 'terminated').map((c) => c.id));
  return o.instances
    .filter((i) => i.endedAt === undefined && !alive.has(i.cloudId))
    .map((i) => i.cloudId);
}

/** After the cloud's events are read: instances still live here but gone there have vanished. */
export function settleVanished(o: Orchestrator, cloudIds: readonly string[]): void {
  for (const id of cloudIds) {
    const inst = o.byCloudId.get(id);
    if (inst !== undefined && inst.endedAt === undefined) o.lifecycle.ended(inst, 'vanished');
  }
}
