import { createRng, parseAvailabilityTrace } from '@synkti/sim-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CBL_REFERENCE,
  HAVE_CBL_REFERENCE,
  readCblReference,
} from '../../../../test-support/cbl-reference.js';
import { HAVE_TRACES, readTrace } from '../../../../test-support/spot-traces.js';
import {
  CBL_SETTING,
  type CblStrategy,
  parseReference,
  referenceTraceFile,
  runWindow,
} from '../../src/validation/cbl-reference.js';
import { type OracleJob, runOracle } from './tick-oracle.js';

const SEED = 20_261_130;
const STRATEGIES: CblStrategy[] = ['greedy', 'uniform_progress', 'on_demand'];
const oracleCost = (r: { spotTicks: number; onDemandTicks: number }, gap: number) =>
  ((r.spotTicks * CBL_SETTING.spotPerHour + r.onDemandTicks * CBL_SETTING.onDemandPerHour) * gap) /
  3600;

describe.skipIf(!HAVE_CBL_REFERENCE || !HAVE_TRACES)('the tick oracle itself', () => {
  it(`reproduces the authors' reference runs (a seeded sample, seed ${SEED})`, () => {
    const runs = parseReference(readCblReference(), CBL_REFERENCE);
    const rng = createRng(SEED, 'oracle-sample');
    const data = new Map<string, number[]>();
    for (let k = 0; k < 200; k++) {
      const r = runs[Math.floor(rng.next() * runs.length)] as (typeof runs)[number];
      if (!data.has(r.trace)) {
        data.set(
          r.trace,
          (JSON.parse(readTrace(referenceTraceFile(r.trace))) as { data: number[] }).data,
        );
      }
      const o = runOracle(
        {
          available: (data.get(r.trace) as number[]).slice(r.startTick),
          gapSeconds: r.gapSeconds,
          workSeconds: CBL_SETTING.workHours * 3600,
          deadlineSeconds: CBL_SETTING.deadlineHours * 3600,
          overheadSeconds: r.restartOverheadHours * 3600,
        },
        r.strategy,
      );
      expect(oracleCost(o, r.gapSeconds), `${r.trace} ${r.startTick} ${r.strategy}`).toBeCloseTo(
        r.costUsd,
        5,
      );
      expect(o.finished).toBe(r.finished);
    }
  });
});

/** Synkti's run of `job` under `strategy`, through the same scenario as validate:cbl. */
function synkti(job: OracleJob, strategy: CblStrategy) {
  const trace = parseAvailabilityTrace(
    JSON.stringify({ metadata: { gap_seconds: job.gapSeconds }, data: Array.from(job.available) }),
    'random',
  );
  return runWindow(
    trace,
    {
      trace: 'random',
      gapSeconds: job.gapSeconds,
      startTick: 0,
      strategy,
      restartOverheadHours: job.overheadSeconds / 3600,
      costUsd: 0,
      finished: true,
    },
    { workHours: job.workSeconds / 3600, deadlineHours: job.deadlineSeconds / 3600 },
  );
}

function expectSame(job: OracleJob, label: string): void {
  for (const strategy of STRATEGIES) {
    const theirs = runOracle(job, strategy);
    const ours = synkti(job, strategy);
    expect(ours.deadlineMisses === 0, `${label} ${strategy}: finished`).toBe(theirs.finished);
    if (theirs.finished) {
      const expected = oracleCost(theirs, job.gapSeconds);
      expect(Math.abs(ours.totalCostUsd - expected), `${label} ${strategy}: cost`).toBeLessThan(
        1e-9 * expected,
      );
    }
  }
}

describe(`Synkti equals the tick oracle on random 1-node traces (fast-check seed ${SEED})`, () => {
  it('Greedy, Uniform Progress and on-demand, any gap, overhead, work and slack', () => {
    const job = fc
      .record({
        gap: fc.constantFrom(32, 60, 195, 600),
        workTicks: fc.integer({ min: 5, max: 300 }),
        workExtra: fc.integer({ min: 0, max: 59 }),
        slackTicks: fc.integer({ min: 0, max: 80 }),
        overhead: fc.constantFrom(0, 180, 360, 720, 1800),
        runs: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 60 }),
        firstAvailable: fc.boolean(),
      })
      .map((p): OracleJob => {
        const work = p.workTicks * p.gap + p.workExtra;
        const deadline = work + p.overhead + p.slackTicks * p.gap;
        const ticks = Math.ceil(deadline / p.gap) + 2;
        const available: number[] = [];
        let value = p.firstAvailable ? 1 : 0;
        for (let k = 0; available.length < ticks; k++) {
          const length = p.runs[k % p.runs.length] as number;
          for (let i = 0; i < length; i++) available.push(value);
          value = 1 - value;
        }
        return {
          available,
          gapSeconds: p.gap,
          workSeconds: work,
          deadlineSeconds: deadline,
          overheadSeconds: p.overhead,
        };
      });
    fc.assert(
      fc.property(job, (j) => expectSame(j, `gap ${j.gapSeconds}`)),
      { seed: SEED, numRuns: 150 },
    );
  });

  it.skipIf(!HAVE_TRACES)('on every zone of the 2023 traces, random windows', () => {
    const rng = createRng(SEED, 'zones');
    for (const zone of [
      'us-east-1a',
      'us-east-1c',
      'us-east-1d',
      'us-east-1f',
      'us-east-2a',
      'us-east-2b',
      'us-west-2a',
      'us-west-2b',
      'us-west-2c',
    ]) {
      const file = `availability/1-node/aws-02-15-2023/${zone}_v100_1.json`;
      const { data, metadata } = JSON.parse(readTrace(file)) as {
        data: number[];
        metadata: { gap_seconds: number };
      };
      for (let k = 0; k < 4; k++) {
        const start = Math.floor(rng.next() * (data.length - 1000));
        expectSame(
          {
            available: data.slice(start),
            gapSeconds: metadata.gap_seconds,
            workSeconds: 48 * 3600,
            deadlineSeconds: 52 * 3600,
            overheadSeconds: k % 2 === 0 ? 720 : 360,
          },
          `${zone} tick ${start}`,
        );
      }
    }
  });
});
