import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveScenario, resolveWorkload, type Scenario, ScenarioError } from '@synkti/sim-core';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadScenario } from '../../src/scenario-file/load.js';
import { tempDir } from '../fixtures/cli.js';

/**
 * Bad scenarios, table-driven, through both doors: the file loader (schema, then resolver) and
 * the library's resolveScenario. Each must be refused by both with the same field path, so the
 * two cannot drift apart.
 */

// biome-ignore lint/suspicious/noExplicitAny: test documents are mutated freely by path
type Doc = { scenario: any } & Record<string, unknown>;
const base = (): Doc => ({
  name: 'bad',
  scenario: {
    horizonHours: 24,
    instanceTypes: [
      {
        name: 'gpu',
        gpuMemoryMb: 24_000,
        networkGbps: 10,
        onDemandPerHour: 1,
        spotPrice: { kind: 'ou', meanPerHour: 0.3, theta: 0.5, sigma: 0.2, floorPerHour: 0.1 },
      },
    ],
    workload: { tasks: [{ id: 'job', workSeconds: 3600, memoryMb: 8000, stateMb: 100 }] },
  },
  seeds: 2,
  policies: ['greedy-spot'],
});

/** A mutation that sets one field, by its dotted path with [k] indices (the path under test). */
const set =
  (field: string, value: unknown) =>
  // biome-ignore lint/suspicious/noExplicitAny: test documents are mutated freely by path
  (s: any): void => {
    const keys = field.replace(/\[(\d+)\]/g, '.$1').split('.');
    const last = keys.pop() as string;
    keys.reduce((node, k) => node[k], s)[last] = value;
  };

/** Label, the field path both doors must name, and the mutation of a valid scenario. */
// biome-ignore lint/suspicious/noExplicitAny: as above
const cases: [string, string, (s: any) => void][] = [
  ['horizonHours', 'horizonHours', set('horizonHours', -1)],
  ['gpuMemoryMb', 'instanceTypes[0].gpuMemoryMb', set('instanceTypes[0].gpuMemoryMb', 0)],
  ['networkGbps', 'instanceTypes[0].networkGbps', set('instanceTypes[0].networkGbps', -1)],
  [
    'onDemandPerHour 0',
    'instanceTypes[0].onDemandPerHour',
    set('instanceTypes[0].onDemandPerHour', 0),
  ],
  [
    'onDemandPerHour huge',
    'instanceTypes[0].onDemandPerHour',
    set('instanceTypes[0].onDemandPerHour', 1e300),
  ],
  ['bootSeconds', 'instanceTypes[0].bootSeconds', set('instanceTypes[0].bootSeconds', -5)],
  [
    'OU floor above cap',
    'instanceTypes[0].spotPrice.floorPerHour',
    set('instanceTypes[0].spotPrice.floorPerHour', 2),
  ],
  ['OU theta', 'instanceTypes[0].spotPrice.theta', set('instanceTypes[0].spotPrice.theta', 0)],
  [
    'billing increment',
    'instanceTypes[0].billing.incrementSeconds',
    set('instanceTypes[0].billing', { incrementSeconds: 0 }),
  ],
  ['grace', 'gracePeriodSeconds', set('gracePeriodSeconds', -1)],
  [
    'detection above grace',
    'detectionLatencySeconds',
    (s) => {
      s.gracePeriodSeconds = 10;
      s.detectionLatencySeconds = 20;
    },
  ],
  [
    'partial above full',
    'checkpoint.partialThreshold',
    set('checkpoint', { fullThreshold: 0.5, partialThreshold: 0.8 }),
  ],
  ['policy tick', 'policyTickSeconds', set('policyTickSeconds', 0)],
  ['restart overhead', 'restartOverheadSeconds', set('restartOverheadSeconds', -1)],
  [
    'duplicate type',
    'instanceTypes[1].name',
    (s) => s.instanceTypes.push({ ...s.instanceTypes[0] }),
  ],
];

describe('bad scenarios are refused by the file loader and by resolveScenario alike', () => {
  const dir = tempDir();
  it.each(cases)('%s', (_label, field, mutate) => {
    const doc = base();
    mutate(doc.scenario);
    // Library door.
    let libraryPath: string | undefined;
    try {
      resolveScenario(doc.scenario as Scenario);
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      libraryPath = (error as ScenarioError).path;
    }
    expect(libraryPath).toBe(field);
    // File door.
    const file = path.join(dir, `${field.replace(/\W/g, '_')}.json`);
    writeFileSync(file, JSON.stringify(doc));
    expect(() => loadScenario(file)).toThrow(InputError);
    const dotted = field.replace(/\[(\d+)\]/g, '[$1]');
    expect(() => loadScenario(file)).toThrow(`${file}: scenario.${dotted}: expected`);
  });
});

describe('file-level refusals', () => {
  const dir = tempDir();
  const load = (doc: unknown, name = 'bad.json') => {
    const file = path.join(dir, name);
    writeFileSync(file, JSON.stringify(doc));
    return () => loadScenario(file, { warn: () => {} });
  };

  it('counts runs before expanding anything', () => {
    // Refused from the factors alone: expanding a billion seeds or values first would exhaust memory.
    const huge = { ...base(), seeds: 1e9 };
    expect(load(huge)).toThrow(
      /asks for 6\.000e\+9 runs \(1000000000 seeds × 2 policies × 3 planners\)/,
    );
    expect(load({ ...base(), sweep: { horizonHours: { from: 1, to: 1e9, step: 1 } } })).toThrow(
      /more than 100000 in one invocation \(sharding splits the same list/,
    );
  });

  it('refuses a reversed sweep range', () => {
    expect(load({ ...base(), sweep: { horizonHours: { from: 10, to: 1, step: 1 } } })).toThrow(
      'sweep."horizonHours": expected "to" >= "from", got from 10 to 1 (no values)',
    );
  });

  it('refuses names that leave results/, and keys that reach Object.prototype', () => {
    expect(load({ ...base(), name: '../../escape' })).toThrow(
      /name: expected 1-100 letters, digits/,
    );
    expect(load({ ...base(), sweep: { '__proto__.polluted': [1] } })).toThrow(
      'sweep."__proto__.polluted": "__proto__" is not a scenario field',
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const params = JSON.parse('{"name": "greedy-spot", "params": {"__proto__": {"x": 1}}}');
    expect(load({ ...base(), policies: [params] })).toThrow(
      'policies[0].params.__proto__: "__proto__" is not allowed as a key',
    );
  });

  it('refuses trace paths outside the trace directory before reading them', () => {
    for (const file of ['../../../etc/passwd', '/etc/passwd']) {
      const doc = base();
      doc.scenario.instanceTypes[0].preemption = { kind: 'trace', file };
      expect(load(doc)).toThrow(`trace "${file}": expected a path inside the trace directory`);
    }
  });

  it('refuses a run estimated at too many events, naming the estimate and the override', () => {
    const doc = base();
    doc.scenario.policyTickSeconds = 0.001;
    expect(load(doc)).toThrow(
      /estimated at 8\.64e\+7 events \(8\.64e\+7 policy ticks .*--max-events-per-run/,
    );
    expect(() =>
      loadScenario(path.join(dir, 'bad.json'), { maxEventsPerRun: 1e8, warn: () => {} }),
    ).not.toThrow();
  });

  it('refuses tasks that can never run, warns about some', () => {
    const big = base();
    big.scenario.workload.tasks[0].memoryMb = 30_000;
    expect(load(big)).toThrow(
      'no task fits any instance type (e.g. job (30000 MB; the largest instance type has 24000 MB))',
    );
    const late = base();
    late.scenario.workload.tasks[0].arrivalSeconds = 30 * 3600;
    expect(load(late)).toThrow(/every task arrives after the horizon of 24 h/);
    const some = base();
    some.scenario.workload.tasks.push({
      id: 'huge',
      workSeconds: 60,
      memoryMb: 30_000,
      stateMb: 0,
    });
    const warnings: string[] = [];
    const file = path.join(dir, 'some.json');
    writeFileSync(file, JSON.stringify(some));
    loadScenario(file, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([
      expect.stringContaining('warning: 1 of 2 tasks (seed 1) fit no instance type'),
    ]);
  });
});

/** Every numeric leaf of `value`, as dotted paths with [k] indices. */
function numericLeaves(value: unknown, at = ''): string[] {
  if (typeof value === 'number') return [at];
  if (Array.isArray(value)) return value.flatMap((v, k) => numericLeaves(v, `${at}[${k}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => numericLeaves(v, at ? `${at}.${k}` : k));
  return [];
}

/** The library door: resolveScenario, then seed 1's workload; the refused path or undefined. */
function libraryRefusal(scenario: Scenario): string | undefined {
  try {
    resolveScenario(scenario);
    resolveWorkload(scenario.workload, 1);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).path;
  }
}

/**
 * Fields where -1 is meaningful: a price sensitivity is a signed factor, and generated arrival
 * times are clamped at 0 (a distribution centred on the start).
 */
const NEGATIVE_ALLOWED = [/\.priceSensitivity$/, /^workload\.generate\.arrivalHours\./];

describe('a numeric bound is stated once: the file door refuses exactly what the library does', () => {
  // Every optional scenario field present, both workload forms.
  const full = (workload: unknown): Doc => {
    const doc = base();
    Object.assign(doc.scenario, {
      checkpoint: { fullThreshold: 1, partialThreshold: 0.3, storageBandwidthGbps: 10 },
      gracePeriodSeconds: 120,
      detectionLatencySeconds: 1,
      idleReleaseSeconds: 60,
      restartOverheadSeconds: 30,
      policyTickSeconds: 600,
      workload,
    });
    Object.assign(doc.scenario.instanceTypes[0], {
      speed: 1,
      bootSeconds: 90,
      billing: { incrementSeconds: 1, minimumSeconds: 60 },
      preemption: { kind: 'poisson', ratePerHour: 0.05, priceSensitivity: 0 },
    });
    Object.assign(doc.scenario.instanceTypes[0].spotPrice, {
      stepSeconds: 300,
      initialPerHour: 0.3,
      capPerHour: 1,
    });
    return doc;
  };
  const docs = {
    tasks: full({
      tasks: [
        {
          id: 'job',
          workSeconds: 3600,
          memoryMb: 8000,
          stateMb: 100,
          arrivalSeconds: 0,
          deadlineSeconds: 86_400,
          checkpointIntervalSeconds: 1800,
        },
      ],
    }),
    generate: full({
      generate: {
        count: 3,
        arrivalHours: { dist: 'uniform', min: 0, max: 2 },
        workHours: { dist: 'lognormal', median: 1, sigma: 0.5 },
        memoryMb: { dist: 'constant', value: 8000 },
        stateMb: { perWorkHourMb: 100, maxMb: 1000 },
        kinds: { training: 1, batch: 1 },
        deadlineSlack: 2,
        trainingCheckpointIntervalSeconds: 1800,
      },
    }),
  };
  const dir = tempDir();
  const bad = [-1, 0, 0.5, 1e300];
  for (const [form, doc] of Object.entries(docs)) {
    it(`${form}: every numeric field, values ${bad.join(', ')}`, () => {
      expect(libraryRefusal(doc.scenario)).toBeUndefined();
      let refusals = 0;
      for (const field of numericLeaves(doc.scenario)) {
        for (const value of bad) {
          const copy = structuredClone(doc);
          set(field, value)(copy.scenario);
          const expected = libraryRefusal(copy.scenario);
          const file = path.join(dir, `${form}.json`);
          writeFileSync(file, JSON.stringify(copy));
          let message: string | undefined;
          try {
            loadScenario(file, { warn: () => {} });
          } catch (error) {
            expect(error).toBeInstanceOf(InputError);
            message = (error as Error).message;
          }
          const context = `${field} = ${value}: library ${expected ?? 'accepts'}, file ${message ?? 'accepts'}`;
          if (expected === undefined) {
            // Accepted by the library: the file door may still refuse for sense (no task fits),
            // never with a bound on this field of its own.
            expect(message ?? '', context).not.toContain(`scenario.${field}: expected`);
          } else {
            refusals += 1;
            expect(message ?? '', context).toContain(`${file}: scenario.${expected}: expected`);
          }
        }
      }
      expect(refusals).toBeGreaterThan(20);
      // And a bound exists: -1 is refused everywhere but where a negative value means something.
      for (const field of numericLeaves(doc.scenario)) {
        if (NEGATIVE_ALLOWED.some((re) => re.test(field))) continue;
        const copy = structuredClone(doc);
        set(field, -1)(copy.scenario);
        expect(libraryRefusal(copy.scenario), `${field} = -1`).toBeDefined();
      }
    });
  }
});
