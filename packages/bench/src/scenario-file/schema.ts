/**
 * The scenario-file schema (zod): the file's structure. Every object is strict: an unknown field
 * is an error, so a typo cannot pass silently. Messages are noun phrases: the loader prints
 * `<file>: <field path>: expected <message>, got <value>`.
 *
 * Bounds are stated once. The `scenario` object's numeric bounds (MB > 0, seconds >= 0, a floor
 * below its cap, …) belong to sim-core's `resolveScenario` and `resolveWorkload`, which the loader
 * calls on every sweep point; here a scenario number is only "a number". The bounds of the
 * file's own fields (seeds, sweep ranges, check tolerances), which sim-core never sees, are here.
 */

import { MIGRATION_PLANNERS } from '@synkti/sim-core';
import { z } from 'zod';

/** A number; its bounds, if it is a scenario field, are the resolver's. */
const num = () => z.number({ error: 'a number' });
const finite = (what: string) => z.number({ error: what }).refine(Number.isFinite, { error: what });
const positive = (what: string) => finite(what).refine((x) => x > 0, { error: what });
const nonNegative = (what: string) => finite(what).refine((x) => x >= 0, { error: what });
const positiveInt = (what: string) =>
  z.number({ error: what }).refine((x) => Number.isInteger(x) && x > 0, { error: what });
const name = (what: string) => z.string({ error: what }).min(1, { error: what });
const text = () => z.string({ error: 'a string' });

const distribution = z.discriminatedUnion(
  'dist',
  [
    z.strictObject({ dist: z.literal('constant'), value: num() }),
    z.strictObject({
      dist: z.literal('uniform'),
      min: num(),
      max: num(),
    }),
    z.strictObject({
      dist: z.literal('lognormal'),
      median: num(),
      sigma: num(),
    }),
  ],
  { error: 'a distribution: {"dist": "constant" | "uniform" | "lognormal", …}' },
);

const task = z.strictObject({
  id: text().optional(),
  kind: text().optional(),
  workSeconds: num(),
  memoryMb: num(),
  stateMb: num(),
  arrivalSeconds: num().optional(),
  deadlineSeconds: num().optional(),
  checkpointIntervalSeconds: num().optional(),
});

const generator = z.strictObject({
  count: num(),
  arrivalHours: distribution,
  workHours: distribution,
  memoryMb: distribution,
  stateMb: z.union([distribution, z.strictObject({ perWorkHourMb: num(), maxMb: num() })], {
    error: 'a distribution or {"perWorkHourMb", "maxMb"}',
  }),
  kinds: z.record(z.string(), num()).optional(),
  deadlineSlack: num().optional(),
  trainingCheckpointIntervalSeconds: num().optional(),
});

const workload = z.union(
  [z.strictObject({ tasks: z.array(task) }), z.strictObject({ generate: generator })],
  {
    error: 'either {"tasks": [...]} or {"generate": {...}}',
  },
);

const spotPrice = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('ou'),
      meanPerHour: num(),
      theta: num(),
      sigma: num(),
      stepSeconds: num().optional(),
      initialPerHour: num().optional(),
      floorPerHour: num().optional(),
      capPerHour: num().optional(),
    }),
    z.strictObject({ kind: z.literal('constant'), perHour: num() }),
    z.strictObject({
      kind: z.literal('trace'),
      /** Spot price history file (AWS JSON or CSV), relative to the trace directory (read here). */
      file: name('a file path relative to the trace directory'),
      availabilityZone: text(),
      instanceType: text().optional(),
      productDescription: text().optional(),
      /** ISO 8601 time mapped to t = 0. */
      startTime: z.iso.datetime({ error: 'an ISO 8601 time like 2023-02-15T00:00:00Z' }).optional(),
    }),
  ],
  { error: 'a spot price: {"kind": "ou" | "constant" | "trace", …}' },
);

const preemption = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('poisson'),
      ratePerHour: num().optional(),
      priceSensitivity: num().optional(),
    }),
    z.strictObject({
      kind: z.literal('trace'),
      /** Availability trace (Can't Be Late format), relative to the trace directory (read here). */
      file: name('a file path relative to the trace directory'),
      /**
       * Trace time at t = 0, hours, or "random": a window drawn from the seed. Default 0. A file
       * field (sim-core takes `offsetSeconds`), so its bound is stated here.
       */
      offsetHours: z
        .union([nonNegative('hours >= 0'), z.literal('random')], {
          error: 'hours >= 0 or "random"',
        })
        .optional(),
    }),
  ],
  { error: 'a preemption model: {"kind": "poisson" | "trace", …}' },
);

const instanceType = z.strictObject({
  name: text(),
  gpuMemoryMb: num(),
  networkGbps: num(),
  onDemandPerHour: num(),
  speed: num().optional(),
  bootSeconds: num().optional(),
  spotPrice: spotPrice.optional(),
  preemption: preemption.optional(),
  rebalanceLeadSeconds: num().optional(),
  billing: z
    .strictObject({
      incrementSeconds: num().optional(),
      minimumSeconds: num().optional(),
    })
    .optional(),
  zone: z.string().optional(),
  region: z.string().optional(),
});

/** The `scenario` object of a file: what `simulate` takes, with traces named by file. */
export const fileScenarioSchema = z.strictObject({
  horizonHours: num(),
  instanceTypes: z.array(instanceType),
  workload,
  checkpoint: z
    .strictObject({
      fullThreshold: num().optional(),
      partialThreshold: num().optional(),
      storageBandwidthGbps: num().optional(),
    })
    .optional(),
  gracePeriodSeconds: num().optional(),
  detectionLatencySeconds: num().optional(),
  idleReleaseSeconds: num().optional(),
  restartOverheadSeconds: num().optional(),
  policyTickSeconds: num().optional(),
});

const range = z.strictObject({
  from: finite('a finite number'),
  to: finite('a finite number'),
  step: positive('a step > 0'),
});

const policyRef = z.union([
  name('a policy name'),
  z.strictObject({
    name: name('a policy name'),
    params: z.record(z.string(), z.unknown()).optional(),
  }),
]);

const planner = z.enum(MIGRATION_PLANNERS, {
  error: '"first-fit", "greedy" or "optimal"',
});

/** A whole scenario file. */
export const scenarioFileSchema = z.strictObject({
  /** Names the scenario in outputs. Default: the file name without extension. */
  name: name('a non-empty name').optional(),
  description: z.string().optional(),
  scenario: fileScenarioSchema,
  /** Parameter path (dots, numeric array indices) → values: a list or {from, to, step}. */
  sweep: z
    .record(
      z.string(),
      z.union([z.array(z.union([z.number(), z.string()])).min(1), range], {
        error: 'a non-empty list of values or {"from", "to", "step"}',
      }),
    )
    .optional(),
  /** Seed count (seeds 1..N) or an explicit list. Default 10. */
  seeds: z
    .union([positiveInt('a positive integer'), z.array(z.union([z.number(), z.string()])).min(1)], {
      error: 'a positive integer or a non-empty list of seeds',
    })
    .optional(),
  policies: z.array(policyRef).min(1, { error: 'at least one policy' }),
  migrations: z.array(planner).min(1, { error: 'at least one planner' }).optional(),
  /** Tolerances of `--check`, in the units of the checked columns. */
  check: z
    .strictObject({
      savingsPctTolerance: nonNegative('percentage points >= 0').optional(),
      completionsTolerance: nonNegative('tasks >= 0').optional(),
    })
    .optional(),
});

/** A validated scenario file. */
export type ScenarioFile = z.infer<typeof scenarioFileSchema>;
/** The `scenario` object of a validated file (traces still named by file). */
export type FileScenario = z.infer<typeof fileScenarioSchema>;
