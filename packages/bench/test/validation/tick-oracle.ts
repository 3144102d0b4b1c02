/**
 * An independent, tick-by-tick implementation of the Can't Be Late simulator's semantics as its
 * reference README states them (../shared/data/cbl-reference/README.md), for tests only: Synkti
 * is event-driven, this walks ticks the way the authors' simulator does, so agreement between the
 * two on random traces shows the policies are not tuned to the two reference traces.
 */

export type OracleStrategy = 'greedy' | 'uniform_progress' | 'on_demand';

export interface OracleJob {
  /** Per-tick spot availability (1 = available) from the window's first tick. */
  readonly available: ArrayLike<number>;
  readonly gapSeconds: number;
  readonly workSeconds: number;
  readonly deadlineSeconds: number;
  readonly overheadSeconds: number;
}

/** Billed spot and on-demand ticks of one run, and whether the work was done by the deadline. */
export interface OracleRun {
  readonly spotTicks: number;
  readonly onDemandTicks: number;
  readonly finished: boolean;
}

type Cluster = 'none' | 'spot' | 'od';

export function runOracle(job: OracleJob, strategy: OracleStrategy): OracleRun {
  const g = job.gapSeconds;
  const d = job.overheadSeconds;
  const C0 = job.workSeconds;
  const DL = job.deadlineSeconds;
  let done = 0;
  let overhead = 0;
  let last: Cluster = 'none';
  let committed = false; // Greedy's "on-demand to the end"
  let spotTicks = 0;
  let onDemandTicks = 0;
  let finishedAt = 0; // when the work was done, seconds (inside the last billed tick)
  for (let tick = 0; ; tick++) {
    const t = tick * g;
    if (last !== 'none') {
      let progress = Math.max(g - overhead, 0);
      overhead -= g - progress;
      if (overhead < 1e-3) overhead = 0;
      const used = Math.min(progress, C0 - done);
      finishedAt = t - progress + used;
      progress = used;
      done += progress;
    }
    const C = C0 - done;
    if (C <= 1e-3) return { spotTicks, onDemandTicks, finished: finishedAt <= DL };
    if (t >= DL) return { spotTicks, onDemandTicks, finished: false };
    const has = job.available[tick] === 1;
    const left = Math.floor((DL - t) / g) * g;
    const need1 = Math.ceil((C + d) / g) * g;
    const need2 = Math.ceil((C + 2 * d) / g) * g;
    let req: Cluster;
    if (strategy === 'on_demand') {
      req = 'od';
    } else if (strategy === 'greedy') {
      if (committed || (last !== 'spot' && need2 >= left)) {
        committed = true;
        req = 'od';
      } else {
        req = has ? 'spot' : 'none';
      }
    } else {
      const progress = C0 - C;
      req = has ? 'spot' : 'none';
      if (progress - (t * C0) / DL < 0) req = has ? 'spot' : 'od';
      if (last === 'od' && (!has || progress - ((t + 2 * d) * C0) / DL <= 0)) req = 'od';
      if (last !== 'spot' && need2 >= left) req = 'od';
    }
    // The base class's net, then "spot requested but unavailable".
    if (need1 >= left) req = last === 'spot' && overhead < 1e-3 ? 'spot' : 'od';
    if (req === 'spot' && !has) req = need1 >= left ? 'od' : 'none';
    const current: Cluster = last === 'spot' && !has ? 'none' : last;
    if (current !== req && req !== 'none') overhead = d;
    if (req === 'spot') spotTicks++;
    if (req === 'od') onDemandTicks++;
    last = req;
  }
}
