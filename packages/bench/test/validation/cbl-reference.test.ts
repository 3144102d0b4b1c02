import { createRng, parseAvailabilityTrace } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';
import {
  CBL_REFERENCE,
  HAVE_CBL_REFERENCE,
  readCblReference,
} from '../../../../test-support/cbl-reference.js';
import { HAVE_TRACES, readTrace } from '../../../../test-support/spot-traces.js';
import { InputError } from '../../src/errors.js';
import {
  agreement,
  compareWindows,
  parseReference,
  type ReferenceRun,
  referenceTraceFile,
  runWindow,
  toleranceFailures,
} from '../../src/validation/cbl-reference.js';

const HEADER =
  'trace,gap_seconds,start_tick,strategy,restart_overhead_h,cost_usd,finished,finish_time_h,spot_hours,on_demand_hours';

describe('parseReference', () => {
  it('reads a run', () => {
    const [r] = parseReference(
      `${HEADER}\naws-02-15-2023/us-east-1a_v100_1,195,111,greedy,0.2,147.5175,True,51.78,0,48.2\n`,
      'ref.csv',
    );
    expect(r).toEqual({
      trace: 'aws-02-15-2023/us-east-1a_v100_1',
      gapSeconds: 195,
      startTick: 111,
      strategy: 'greedy',
      restartOverheadHours: 0.2,
      costUsd: 147.5175,
      finished: true,
    });
  });

  it('names the line, the column, what was expected and what was found', () => {
    const bad = (row: string) => () => parseReference(`${HEADER}\n${row}\n`, 'ref.csv');
    expect(bad('t,195,1.5,greedy,0.2,1,True,1,0,1')).toThrow(
      'ref.csv: line 2: start_tick: expected a tick index (integer >= 0), got "1.5"',
    );
    expect(bad('t,195,1,lazy,0.2,1,True,1,0,1')).toThrow(
      'ref.csv: line 2: strategy: expected greedy | uniform_progress | on_demand, got "lazy"',
    );
    expect(bad('../etc/passwd,195,1,greedy,0.2,1,True,1,0,1')).toThrow(InputError);
    expect(bad('t,195,1,greedy,0.2,1,yes,1,0,1')).toThrow(/finished: expected True or False/);
    expect(() => parseReference(`${HEADER}\n`, 'ref.csv')).toThrow('ref.csv: no runs');
  });

  it('refuses a window without its on-demand run', () => {
    const [r] = parseReference(`${HEADER}\nt,195,1,greedy,0.2,100,True,1,0,1\n`, 'ref.csv');
    expect(() =>
      compareWindows([r as ReferenceRun], () => ({ totalCostUsd: 1, deadlineMisses: 0 })),
    ).toThrow('window t|1|0.2: no on_demand run in the reference to divide greedy by');
  });
});

const SAMPLE_SEED = 20_261_130;

describe.skipIf(!HAVE_CBL_REFERENCE || !HAVE_TRACES)(
  `agreement with the Can't Be Late simulator on a sample of its windows (seed ${SAMPLE_SEED})`,
  () => {
    it('every group within the tolerances of npm run validate:cbl', () => {
      const all = parseReference(readCblReference(), CBL_REFERENCE);
      const windows = [
        ...new Set(all.map((r) => `${r.trace}|${r.startTick}|${r.restartOverheadHours}`)),
      ];
      // A seeded sample of 120 of the 696 windows, with all their strategies.
      const rng = createRng(SAMPLE_SEED, 'cbl-sample');
      const chosen = new Set<string>();
      while (chosen.size < 120)
        chosen.add(windows[Math.floor(rng.next() * windows.length)] as string);
      const sample = all.filter((r) =>
        chosen.has(`${r.trace}|${r.startTick}|${r.restartOverheadHours}`),
      );
      const traces = new Map(
        [...new Set(sample.map((r) => r.trace))].map((t) => [
          t,
          parseAvailabilityTrace(readTrace(referenceTraceFile(t)), t),
        ]),
      );
      const groups = agreement(compareWindows(sample, (r) => runWindow(traces.get(r.trace)!, r)));
      expect(groups.length).toBe(8); // 2 traces × 2 strategies × 2 overheads
      for (const g of groups) {
        expect(
          toleranceFailures(g),
          `${g.trace} ${g.strategy} d=${g.restartOverheadHours}`,
        ).toEqual([]);
      }
    });
  },
);
