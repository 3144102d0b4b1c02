import { describe, expect, it } from 'vitest';
import { HAVE_TRACES, readTrace } from '../../../../test-support/spot-traces.js';
import {
  AvailabilityTrace,
  AvailabilityTraceError,
  createRng,
  parseAvailabilityTrace,
  TracePreemption,
  traceOffsetSeconds,
} from '../../src/index.js';

const synthetic = JSON.stringify({ metadata: { gap_seconds: 10 }, data: [1, 1, 0, 0, 1, 2, 0] });

describe('AvailabilityTrace on a synthetic trace, checked by hand', () => {
  const trace = new AvailabilityTrace(parseAvailabilityTrace(synthetic, 'synthetic'));

  it('reads tick i on [i·gap, (i+1)·gap)', () => {
    expect(trace.availableAt(0)).toBe(true);
    expect(trace.availableAt(19.999)).toBe(true);
    expect(trace.availableAt(20)).toBe(false);
    expect(trace.availableAt(39.9)).toBe(false);
    expect(trace.availableAt(40)).toBe(true);
    expect(trace.capacityAt(55)).toBe(2);
    expect(trace.spanSeconds).toBe(70);
  });

  it('finds the next unavailable and available instants at the tick edges', () => {
    expect(trace.nextUnavailableAt(0)).toBe(20);
    expect(trace.nextUnavailableAt(25)).toBe(25); // already unavailable: now
    expect(trace.nextAvailableAt(20)).toBe(40);
    expect(trace.nextAvailableAt(45)).toBe(45);
    expect(trace.nextUnavailableAt(40)).toBe(60);
    expect(trace.nextAvailableAt(60)).toBe(Number.POSITIVE_INFINITY); // last value holds
    expect(trace.nextChangeAfter(0)).toBe(20);
    expect(trace.nextChangeAfter(20)).toBe(40);
    expect(trace.nextChangeAfter(60)).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts capacity per slot (16-node traces)', () => {
    expect(trace.nextAvailableAt(0, 1)).toBe(50); // only tick 5 holds 2 instances
    expect(trace.nextUnavailableAt(50, 1)).toBe(60);
  });

  it('replays from an offset', () => {
    const shifted = new AvailabilityTrace(trace.trace, 15);
    expect(shifted.availableAt(0)).toBe(true); // trace time 15: tick 1
    expect(shifted.nextUnavailableAt(0)).toBe(5); // tick 2 starts at trace time 20
    expect(() => new AvailabilityTrace(trace.trace, 70)).toThrow(/\[0, 70\)/);
  });

  it('TracePreemption notices at unavailability and launches only when available', () => {
    const p = new TracePreemption(trace);
    const rng = createRng(1, 'unused');
    expect(p.nextNoticeAt(0, 1000, rng, 0)).toBe(20);
    expect(p.nextNoticeAt(0, 19, rng, 0)).toBe(Number.POSITIVE_INFINITY);
    expect(p.nextLaunchAt(21, 0)).toBe(40);
    expect(p.nextLaunchAt(0, 0)).toBe(0);
  });
});

describe('offsets land on the intended tick', () => {
  // Tick 4985 of a 195 s trace starts at 972075 s; written in hours it comes back 1e-10 s short.
  const data = Array.from({ length: 6000 }, (_, k) => (k === 4984 ? 0 : 1));
  const trace = parseAvailabilityTrace(
    JSON.stringify({ metadata: { gap_seconds: 195 }, data }),
    'synthetic',
  );
  const fromHours = ((4985 * 195) / 3600) * 3600;

  it('reads tick 4985 at an offset of 4985 ticks written in hours', () => {
    expect(fromHours).toBeLessThan(972075); // the float error this guards against
    expect(new AvailabilityTrace(trace, fromHours).availableAt(0)).toBe(true);
    expect(new AvailabilityTrace(trace, 972075 - 195).availableAt(194.9999999)).toBe(true);
    expect(new AvailabilityTrace(trace, 972075 - 195).availableAt(194)).toBe(false);
  });

  it('starts a run at the first tick start at or after a given offset', () => {
    const spec = { kind: 'trace' as const, trace, offsetSeconds: fromHours };
    expect(traceOffsetSeconds(spec, 'p3', 1, 3600)).toBe(972075);
    expect(traceOffsetSeconds({ ...spec, offsetSeconds: 972076 }, 'p3', 1, 3600)).toBe(972270);
    expect(traceOffsetSeconds({ ...spec, offsetSeconds: 0 }, 'p3', 1, 3600)).toBe(0);
  });

  it('draws random windows as whole ticks that fit the horizon', () => {
    const spec = { kind: 'trace' as const, trace, offsetSeconds: 'random' as const };
    const horizon = 5000 * 195;
    for (let seed = 1; seed <= 200; seed++) {
      const offset = traceOffsetSeconds(spec, 'p3', seed, horizon);
      expect(offset % 195).toBe(0);
      expect(offset + horizon).toBeLessThanOrEqual(6000 * 195);
    }
  });
});

describe('parseAvailabilityTrace errors', () => {
  it('names the source and field path', () => {
    expect(() => parseAvailabilityTrace('{', 'x.json')).toThrow(/x.json: not valid JSON/);
    expect(() =>
      parseAvailabilityTrace(JSON.stringify({ metadata: {}, data: [1] }), 'x.json'),
    ).toThrow('x.json: metadata.gap_seconds: expected a tick length in seconds > 0, got nothing');
    expect(() =>
      parseAvailabilityTrace(
        JSON.stringify({ metadata: { gap_seconds: 5 }, data: [1, 0, -1] }),
        'y.json',
      ),
    ).toThrow(AvailabilityTraceError);
    expect(() =>
      parseAvailabilityTrace(
        JSON.stringify({ metadata: { gap_seconds: 5 }, data: [1, 'a'] }),
        'y.json',
      ),
    ).toThrow(/y.json: data\[1\]: expected an integer in \[0, 2147483647\]/);
    // 2^31 wrapped to 0 in the 32-bit capacities: refused instead.
    expect(() =>
      parseAvailabilityTrace(
        JSON.stringify({ metadata: { gap_seconds: 5 }, data: [1, 2 ** 31] }),
        'big.json',
      ),
    ).toThrow('big.json: data[1]: expected an integer in [0, 2147483647]');
    // A file that is not JSON is not quoted back.
    const secret = 'root:x:0:0:root:/root:/bin/bash';
    expect(() => parseAvailabilityTrace(secret, 'p')).toThrow(/^p: not valid JSON \(syntax error/);
    expect(() => parseAvailabilityTrace(secret, 'p')).not.toThrow(/root/);
  });
});

describe.skipIf(!HAVE_TRACES)('replay of a shared trace', () => {
  const file = 'availability/1-node/aws-02-15-2023/us-east-1a_v100_1.json';

  it(`reproduces ${file}'s available fraction and transitions exactly`, () => {
    const raw = JSON.parse(readTrace(file)) as {
      metadata: { gap_seconds: number };
      data: number[];
    };
    const trace = new AvailabilityTrace(parseAvailabilityTrace(readTrace(file), file));
    const gap = raw.metadata.gap_seconds;

    // Walk the replay from change to change.
    const transitions: number[] = [];
    let availableSeconds = 0;
    let t = 0;
    while (t < trace.spanSeconds) {
      const next = Math.min(trace.nextChangeAfter(t), trace.spanSeconds);
      if (trace.availableAt(t)) availableSeconds += next - t;
      if (next < trace.spanSeconds) transitions.push(next / gap);
      t = next;
    }

    const expectedTransitions: number[] = [];
    for (let k = 1; k < raw.data.length; k++) {
      if (raw.data[k] !== raw.data[k - 1]) expectedTransitions.push(k);
    }
    const ones = raw.data.filter((v) => v === 1).length;
    expect(transitions).toEqual(expectedTransitions);
    expect(availableSeconds / trace.spanSeconds).toBe(ones / raw.data.length);
    expect(transitions.length).toBeGreaterThan(10);
  });
});
