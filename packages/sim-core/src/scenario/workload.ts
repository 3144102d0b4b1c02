/** Workload: the scenario's task list, or tasks drawn from its seeded `workload` stream. */

import { createRng, type Rng } from '../engine/rng.js';
import { DEFAULT_TASK_KIND } from './defaults.js';
import { check, ScenarioError } from './resolve.js';
import type { Distribution, TaskSpec, WorkloadGenerator, WorkloadSpec } from './types.js';

/** A task with every default filled in. */
export interface ResolvedTask {
  readonly id: string;
  readonly kind: string;
  readonly workSeconds: number;
  readonly memoryMb: number;
  readonly stateMb: number;
  readonly arrivalSeconds: number;
  readonly deadlineSeconds: number | undefined;
  readonly checkpointIntervalSeconds: number | undefined;
}

const positive = (x: unknown): x is number => typeof x === 'number' && x > 0 && Number.isFinite(x);
const nonNegative = (x: unknown): x is number =>
  typeof x === 'number' && x >= 0 && Number.isFinite(x);

function draw(d: Distribution, rng: Rng, path: string): number {
  switch (d.dist) {
    case 'constant':
      check(Number.isFinite(d.value), `${path}.value`, 'a finite number', d.value);
      return d.value;
    case 'uniform':
      check(
        Number.isFinite(d.min) && Number.isFinite(d.max) && d.min <= d.max,
        path,
        'finite min <= max',
        d,
      );
      return rng.uniform(d.min, d.max);
    case 'lognormal':
      check(d.median > 0 && d.sigma >= 0, path, 'median > 0 and sigma >= 0', d);
      return d.median * Math.exp(d.sigma * rng.normal());
    default:
      return check(false, `${path}.dist`, '"constant", "uniform" or "lognormal"', d) as never;
  }
}

/**
 * Checks that every value `d` can draw meets the field's bound (`> 0` or `>= 0`), so a bad range
 * is refused before any run rather than by whichever seed first draws out of it. Lognormal
 * draws are always > 0.
 */
function checkSupport(d: Distribution, path: string, bound: '> 0' | '>= 0', unit: string): void {
  const ok = (x: number) => (bound === '> 0' ? x > 0 : x >= 0);
  const expected = `a distribution whose every value is ${unit} ${bound}`;
  if (d.dist === 'constant') check(ok(d.value), `${path}.value`, `${unit} ${bound}`, d.value);
  else if (d.dist === 'uniform')
    check(ok(d.min), `${path}.min`, `${expected} (min ${bound})`, d.min);
}

/**
 * The most tasks a generator may ask for: 10 million. Each task holds a few hundred bytes of
 * state in a run, so more would exhaust a machine's memory before the first event rather than
 * fail with a message; 1e300 (an "integer" to JavaScript) would never finish generating.
 */
export const MAX_GENERATED_TASKS = 10_000_000;

/**
 * Draws a generator's tasks, resolved as they are drawn: no task list in between, and no check
 * of the ids, which are `t0`, `t1`, … and so distinct.
 */
function generate(g: WorkloadGenerator, seed: string | number): ResolvedTask[] {
  const path = 'workload.generate';
  check(
    Number.isInteger(g.count) && g.count >= 0 && g.count <= MAX_GENERATED_TASKS,
    `${path}.count`,
    `an integer in [0, ${MAX_GENERATED_TASKS}]`,
    g.count,
  );
  checkSupport(g.workHours, `${path}.workHours`, '> 0', 'hours');
  checkSupport(g.memoryMb, `${path}.memoryMb`, '> 0', 'MB');
  if ('dist' in g.stateMb) checkSupport(g.stateMb, `${path}.stateMb`, '>= 0', 'MB');
  else {
    const { perWorkHourMb, maxMb } = g.stateMb;
    check(nonNegative(perWorkHourMb), `${path}.stateMb.perWorkHourMb`, 'MB >= 0', perWorkHourMb);
    check(nonNegative(maxMb), `${path}.stateMb.maxMb`, 'MB >= 0', maxMb);
  }
  const { deadlineSlack, trainingCheckpointIntervalSeconds: interval } = g;
  check(
    deadlineSlack === undefined || positive(deadlineSlack),
    `${path}.deadlineSlack`,
    'a factor > 0',
    deadlineSlack,
  );
  check(
    interval === undefined || positive(interval),
    `${path}.trainingCheckpointIntervalSeconds`,
    'seconds > 0',
    interval,
  );
  const rng = createRng(seed, 'workload');
  const kinds = Object.entries(g.kinds ?? { [DEFAULT_TASK_KIND]: 1 });
  const totalWeight = kinds.reduce((s, [, w]) => s + w, 0);
  check(
    kinds.every(([, w]) => w >= 0) && totalWeight > 0,
    `${path}.kinds`,
    'non-negative weights with a positive sum',
    g.kinds,
  );
  const tasks: ResolvedTask[] = [];
  // The fields' paths, for errors: built once, not once per task.
  const arrivalPath = `${path}.arrivalHours`;
  const workPath = `${path}.workHours`;
  const memoryPath = `${path}.memoryMb`;
  const statePath = `${path}.stateMb`;
  for (let k = 0; k < g.count; k++) {
    // A fixed number of draws per task, in a fixed order, so task k is the same whatever
    // fields later tasks use.
    const arrivalHours = draw(g.arrivalHours, rng, arrivalPath);
    const workHours = draw(g.workHours, rng, workPath);
    const memoryMb = draw(g.memoryMb, rng, memoryPath);
    const state = g.stateMb;
    const stateMb =
      'dist' in state
        ? draw(state, rng, statePath)
        : Math.min(state.perWorkHourMb * workHours, state.maxMb);
    let u = rng.next() * totalWeight;
    let kind = (kinds[kinds.length - 1] as [string, number])[0];
    for (const [name, w] of kinds) {
      if (u < w) {
        kind = name;
        break;
      }
      u -= w;
    }
    const arrivalSeconds = Math.max(0, arrivalHours * 3600);
    const workSeconds = workHours * 3600;
    tasks.push(
      resolvedTask(
        false,
        k,
        `t${k}`,
        kind,
        workSeconds,
        memoryMb,
        Math.max(0, stateMb),
        arrivalSeconds,
        deadlineSlack !== undefined ? arrivalSeconds + deadlineSlack * workSeconds : undefined,
        kind === 'training' ? interval : undefined,
      ),
    );
  }
  return tasks;
}

/**
 * The run's tasks, in workload order, defaults filled and every field checked. Generated
 * workloads draw only from `createRng(seed, 'workload')`, so they are identical across policies
 * and planners for the same seed.
 * @throws ScenarioError naming the bad field, e.g. `workload.tasks[3].memoryMb`.
 */
export function resolveWorkload(spec: WorkloadSpec, seed: string | number): ResolvedTask[] {
  if (!('tasks' in spec)) return generate(spec.generate, seed);
  const list = spec.tasks;
  check(Array.isArray(list), 'workload.tasks', 'a list of tasks', list);
  const ids = new Set<string>();
  return list.map((t: TaskSpec, k) => {
    const id = t.id ?? `t${k}`;
    if (ids.has(id)) throw new ScenarioError(taskPath(true, k, 'id'), 'an id not used before', id);
    ids.add(id);
    return resolvedTask(
      true,
      k,
      id,
      t.kind ?? DEFAULT_TASK_KIND,
      t.workSeconds,
      t.memoryMb,
      t.stateMb,
      t.arrivalSeconds ?? 0,
      t.deadlineSeconds,
      t.checkpointIntervalSeconds,
    );
  });
}

/**
 * Task `k` of a list (`fromList`) or of a generator, every field checked.
 * @throws ScenarioError naming the bad field.
 */
function resolvedTask(
  fromList: boolean,
  k: number,
  id: string,
  kind: string,
  workSeconds: number,
  memoryMb: number,
  stateMb: number,
  arrivalSeconds: number,
  deadline: number | undefined,
  interval: number | undefined,
): ResolvedTask {
  if (!(workSeconds > 0 && Number.isFinite(workSeconds)))
    fail(fromList, k, 'workSeconds', 'seconds > 0', workSeconds);
  if (!(memoryMb > 0 && Number.isFinite(memoryMb)))
    fail(fromList, k, 'memoryMb', 'MB > 0', memoryMb);
  if (!(stateMb >= 0 && Number.isFinite(stateMb))) fail(fromList, k, 'stateMb', 'MB >= 0', stateMb);
  if (!(arrivalSeconds >= 0 && Number.isFinite(arrivalSeconds)))
    fail(fromList, k, 'arrivalSeconds', 'seconds >= 0', arrivalSeconds);
  if (!(deadline === undefined || (Number.isFinite(deadline) && deadline > arrivalSeconds)))
    fail(fromList, k, 'deadlineSeconds', 'seconds after arrivalSeconds', deadline);
  if (!(interval === undefined || (interval > 0 && Number.isFinite(interval))))
    fail(fromList, k, 'checkpointIntervalSeconds', 'seconds > 0', interval);
  return {
    id,
    kind,
    workSeconds,
    memoryMb,
    stateMb,
    arrivalSeconds,
    deadlineSeconds: deadline,
    checkpointIntervalSeconds: interval,
  };
}

/** A task field's path, for errors (built only on an error: a million tasks would build many). */
function taskPath(fromList: boolean, k: number, field: string): string {
  return `${fromList ? `workload.tasks[${k}]` : `workload.generate (task ${k})`}.${field}`;
}

/** Refuses task `k`'s `field`. */
function fail(
  fromList: boolean,
  k: number,
  field: string,
  expected: string,
  found: unknown,
): never {
  throw new ScenarioError(taskPath(fromList, k, field), expected, found);
}
