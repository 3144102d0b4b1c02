/**
 * The scenario-file schema (zod). Every object is strict: an unknown field is an error, so a
 * typo cannot pass silently. Messages are noun phrases ("MB > 0"): the loader prints
 * `<file>: <field path>: expected <message>, got <value>`.
 */

import { MIGRATION_PLANNERS } from '@synkti/sim-core';
import { z } from 'zod';

const num = (what: string) => z.number({ error: what }).refine(Number.isFinite, { error: what });
const positive = (what: string) => num(what).refine((x) => x > 0, { error: what });
const nonNegative = (what: string) => num(what).refine((x) => x >= 0, { error: what });
const positiveInt = (what: string) =>
  z.number({ error: what }).refine((x) => Number.isInteger(x) && x > 0, { error: what });
const nonNegativeInt = (what: string) =>
  z.number({ error: what }).refine((x) => Number.isInteger(x) && x >= 0, { error: what });
const name = (what: string) => z.string({ error: what }).min(1, { error: what });

const distribution = z.discriminatedUnion(
  'dist',
  [
    z.strictObject({ dist: z.literal('constant'), value: num('a finite number') }),
    z.strictObject({
      dist: z.literal('uniform'),
      min: num('a finite number'),
      max: num('a finite number'),
    }),
    z.strictObject({
      dist: z.literal('lognormal'),
      median: positive('a number > 0'),
      sigma: nonNegative('a number >= 0'),
    }),
  ],
  { error: 'a distribution: {"dist": "constant" | "uniform" | "lognormal", …}' },
);

const task = z.strictObject({
  id: name('a non-empty id').optional(),
  kind: name('a task kind, e.g. "training"').optional(),
  workSeconds: positive('seconds > 0'),
  memoryMb: positive('MB > 0'),
  stateMb: nonNegative('MB >= 0'),
  arrivalSeconds: nonNegative('seconds >= 0').optional(),
  deadlineSeconds: positive('seconds > 0').optional(),
  checkpointIntervalSeconds: positive('seconds > 0').optional(),
});

const generator = z.strictObject({
  count: nonNegativeInt('an integer >= 0'),
  arrivalHours: distribution,
  workHours: distribution,
  memoryMb: distribution,
  stateMb: z.union(
    [
      distribution,
      z.strictObject({ perWorkHourMb: nonNegative('MB >= 0'), maxMb: nonNegative('MB >= 0') }),
    ],
    {
      error: 'a distribution or {"perWorkHourMb", "maxMb"}',
    },
  ),
  kinds: z.record(z.string(), nonNegative('a weight >= 0')).optional(),
  deadlineSlack: positive('a factor > 0').optional(),
  trainingCheckpointIntervalSeconds: positive('seconds > 0').optional(),
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
      meanPerHour: positive('$/hour > 0'),
      theta: positive('a rate > 0 per hour'),
      sigma: nonNegative('$/hour/√hour >= 0'),
      stepSeconds: positive('seconds > 0').optional(),
      initialPerHour: nonNegative('$/hour >= 0').optional(),
      floorPerHour: nonNegative('$/hour >= 0').optional(),
      capPerHour: positive('$/hour > 0').optional(),
    }),
    z.strictObject({ kind: z.literal('constant'), perHour: nonNegative('$/hour >= 0') }),
    z.strictObject({
      kind: z.literal('trace'),
      /** Spot price history file (AWS JSON or CSV), relative to the trace directory. */
      file: name('a file path relative to the trace directory'),
      availabilityZone: name('an availability zone'),
      instanceType: name('an instance type').optional(),
      productDescription: name('a product description').optional(),
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
      ratePerHour: nonNegative('notices per hour >= 0').optional(),
      priceSensitivity: num('a finite number').optional(),
    }),
    z.strictObject({
      kind: z.literal('trace'),
      /** Availability trace (Can't Be Late format), relative to the trace directory. */
      file: name('a file path relative to the trace directory'),
      /** Trace time at t = 0, hours, or "random": a window drawn from the seed. Default 0. */
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
  name: name('a non-empty name'),
  gpuMemoryMb: positive('MB > 0'),
  networkGbps: positive('Gbps > 0'),
  onDemandPerHour: positive('$/hour > 0'),
  speed: positive('work-seconds per second > 0').optional(),
  bootSeconds: nonNegative('seconds >= 0').optional(),
  spotPrice: spotPrice.optional(),
  preemption: preemption.optional(),
  billing: z
    .strictObject({
      incrementSeconds: positive('seconds > 0').optional(),
      minimumSeconds: nonNegative('seconds >= 0').optional(),
    })
    .optional(),
  zone: z.string().optional(),
  region: z.string().optional(),
});

/** The `scenario` object of a file: what `simulate` takes, with traces named by file. */
export const fileScenarioSchema = z.strictObject({
  horizonHours: positive('hours > 0'),
  instanceTypes: z.array(instanceType).min(1, { error: 'at least one instance type' }),
  workload,
  checkpoint: z
    .strictObject({
      fullThreshold: positive('a ratio > 0').optional(),
      partialThreshold: nonNegative('a ratio >= 0').optional(),
      storageBandwidthGbps: positive('Gbps > 0').optional(),
    })
    .optional(),
  gracePeriodSeconds: nonNegative('seconds >= 0').optional(),
  detectionLatencySeconds: nonNegative('seconds >= 0').optional(),
  idleReleaseSeconds: nonNegative('seconds >= 0').optional(),
  restartOverheadSeconds: nonNegative('seconds >= 0').optional(),
  policyTickSeconds: positive('seconds > 0').optional(),
});

const range = z.strictObject({
  from: num('a finite number'),
  to: num('a finite number'),
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
