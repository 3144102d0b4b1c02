/**
 * A policy's decisions checked into typed actions before any is carried out: every launch names
 * a known type and a market, every placement a pending task and a launch of this decision or an
 * accepting instance with room (counting the decision's earlier placements), every release an
 * idle accepting instance. Pure: the state it checks against comes in as a {@link DecisionWorld}.
 * `simulate` applies the result; live mode will check with the same function.
 */

import { type Decisions, type LaunchRequest, type Market, PolicyDecisionError } from '../policy.js';

/** What checking a decision needs to know of the run's state. */
export interface DecisionWorld {
  /** The policy's name, for errors. */
  readonly policy: string;
  /** GPU memory of a type, MB; undefined for an unknown type. */
  typeMemoryMb(typeName: string): number | undefined;
  /** Names of every type, for errors. */
  readonly typeNames: readonly string[];
  /** Memory of a pending task, MB; undefined when the task is not pending. */
  pendingTaskMemoryMb(taskId: string): number | undefined;
  /** An instance's state, free memory (MB) and whether it hosts tasks; undefined if unknown. */
  instance(id: string):
    | {
        readonly state: string;
        readonly accepting: boolean;
        readonly freeMemoryMb: number;
        readonly hosting: boolean;
      }
    | undefined;
}

/** Where a placement puts its task. */
export type PlacementTarget = { readonly instanceId: string } | { readonly launchIndex: number };

/** A decision, checked. */
export interface CheckedDecisions {
  readonly launches: readonly LaunchRequest[];
  readonly placements: readonly { readonly taskId: string; readonly target: PlacementTarget }[];
  readonly releases: readonly string[];
}

/** Memory slack of the fit check, MB (sums of fractional task sizes). */
const MEMORY_SLACK_MB = 1e-9;

/**
 * Checks `d` against `world`.
 * @throws PolicyDecisionError naming the policy and the first invalid entry.
 */
export function checkDecisions(d: Decisions, world: DecisionWorld): CheckedDecisions {
  const fail = (message: string): never => {
    throw new PolicyDecisionError(world.policy, message);
  };
  if (d === null || typeof d !== 'object') {
    fail(`decide returned ${String(d)}, expected a Decisions object ({} to decide nothing)`);
  }
  const launches = d.launches ?? [];
  const launchFree: number[] = [];
  for (const [k, req] of launches.entries()) {
    const memory = world.typeMemoryMb(req.instanceType);
    if (memory === undefined) {
      fail(`unknown instance type "${req.instanceType}"; known: ${world.typeNames.join(', ')}`);
    }
    if (req.market !== 'spot' && req.market !== 'on-demand') {
      fail(
        `launches[${k}].market must be "spot" or "on-demand", got ${String(req.market as Market)}`,
      );
    }
    launchFree.push(memory as number);
  }
  const placements: { taskId: string; target: PlacementTarget }[] = [];
  const placed = new Set<string>();
  const promised = new Map<string, number>(); // MB promised on existing instances, by id
  for (const [k, p] of (d.placements ?? []).entries()) {
    const memory = placed.has(p.taskId) ? undefined : world.pendingTaskMemoryMb(p.taskId);
    if (memory === undefined) fail(`placements[${k}]: task "${p.taskId}" is not pending`);
    const need = memory as number;
    if ('launchIndex' in p) {
      const i = p.launchIndex;
      if (!(Number.isInteger(i) && i >= 0 && i < launches.length)) {
        fail(`placements[${k}].launchIndex ${i} names no launch`);
      }
      const free = launchFree[i] as number;
      if (need > free + MEMORY_SLACK_MB) {
        fail(
          `placements[${k}]: task "${p.taskId}" needs ${need} MB, launch ${i} has ${free} MB free`,
        );
      }
      launchFree[i] = free - need;
      placements.push({ taskId: p.taskId, target: { launchIndex: i } });
    } else {
      const inst = world.instance(p.instanceId);
      if (inst === undefined || !inst.accepting) {
        fail(
          `placements[${k}]: instance "${p.instanceId}" is ${inst ? inst.state : 'unknown'}, not booting or running`,
        );
      }
      const before = promised.get(p.instanceId) ?? 0;
      const free = (inst as { freeMemoryMb: number }).freeMemoryMb - before;
      if (need > free + MEMORY_SLACK_MB) {
        fail(
          `placements[${k}]: task "${p.taskId}" needs ${need} MB, instance "${p.instanceId}" has ${free} MB free`,
        );
      }
      promised.set(p.instanceId, before + need);
      placements.push({ taskId: p.taskId, target: { instanceId: p.instanceId } });
    }
    placed.add(p.taskId);
  }
  for (const id of d.releases ?? []) {
    const inst = world.instance(id);
    if (inst === undefined || !inst.accepting || inst.hosting || promised.has(id)) {
      fail(`release of "${id}": only idle booting or running instances can be released`);
    }
  }
  return { launches, placements, releases: d.releases ?? [] };
}
