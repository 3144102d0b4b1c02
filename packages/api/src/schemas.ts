/**
 * The API's types, one zod schema per shape, with units in every field's name or description.
 * The routes validate with them and the OpenAPI document is generated from them.
 */

import { FINAL_JOB_STATES, INSTANCE_TRANSITIONS, JOB_TRANSITIONS } from '@synkti/orchestrator';
import { z } from 'zod';

/** Job states (live.md), in the order of the state machine's table. */
export const JOB_STATE_NAMES = Object.keys(JOB_TRANSITIONS) as [string, ...string[]];
/** Instance states. */
export const INSTANCE_STATE_NAMES = Object.keys(INSTANCE_TRANSITIONS) as [string, ...string[]];

const seconds = (what: string) => z.number().describe(`${what}, seconds of the run's clock`);
const maybeSeconds = (what: string) => seconds(what).nullable();

export const jobSchema = z
  .object({
    id: z.string(),
    kind: z.string().describe('training, inference, batch or a user kind'),
    state: z.enum(JOB_STATE_NAMES),
    reason: z.string().describe('why it entered its state'),
    final: z.boolean().describe(`whether the state is final (${FINAL_JOB_STATES.join(', ')})`),
    workSeconds: seconds('work it needs on a speed-1 instance'),
    progressSeconds: seconds('work kept at its last recorded state change'),
    memoryMb: z.number().describe('GPU memory it needs, MB'),
    stateMb: z.number().describe('state a checkpoint holds, MB'),
    arrivalSeconds: seconds('arrival'),
    deadlineSeconds: maybeSeconds('deadline'),
    instance: z.string().nullable().describe("its instance's launch token"),
    preemptions: z.number().int(),
    attempts: z.number().int().describe('failed attempts of its command'),
    completedAtSeconds: maybeSeconds('completion'),
    cause: z.string().nullable().describe('why it FAILED'),
    argv: z
      .array(z.string())
      .nullable()
      .describe('the command it runs (an argv array, never a shell string); null: synthetic'),
    runningSinceSeconds: maybeSeconds('start of its current computing stretch'),
    progressEstimateSeconds: seconds(
      "work done by the server's last look: progress kept plus the stretch since at its instance type's speed",
    ),
    cancelRequested: z.boolean().describe('a cancellation waits for the orchestrator'),
  })
  .meta({ id: 'Job' });

/**
 * A job's defaults where a submission leaves a field out (one place: the OpenAPI document and
 * the CLI's help show them).
 */
export const SUBMISSION_DEFAULTS = {
  /** GPU memory, MB. */
  memoryMb: 1000,
  /** Checkpoint state, MB. */
  stateMb: 100,
} as const;

/** A job to submit (`POST /jobs`). */
export const jobSubmissionSchema = z
  .strictObject({
    kind: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)
      .describe('training, inference, batch or your own: 1-64 letters, digits, ".", "_", "-"'),
    workSeconds: z
      .number()
      .positive()
      .max(365 * 86_400)
      .describe('work it needs on a speed-1 instance, seconds (a command ends when it exits)'),
    memoryMb: z
      .number()
      .positive()
      .default(SUBMISSION_DEFAULTS.memoryMb)
      .describe(`GPU memory it needs, MB (default ${SUBMISSION_DEFAULTS.memoryMb})`),
    stateMb: z
      .number()
      .min(0)
      .default(SUBMISSION_DEFAULTS.stateMb)
      .describe(`state a checkpoint holds, MB (default ${SUBMISSION_DEFAULTS.stateMb})`),
    deadlineAfterSeconds: z
      .number()
      .positive()
      .optional()
      .describe('deadline, seconds after its submission'),
    checkpointIntervalSeconds: z
      .number()
      .positive()
      .optional()
      .describe('periodic checkpoint interval, work-seconds (none: only at notices)'),
    argv: z
      .array(z.string().min(1).max(4096))
      .min(1)
      .max(256)
      .optional()
      .describe('the command, an argv array run without a shell; none: a synthetic task'),
  })
  .meta({ id: 'JobSubmission' });

/** What a submission or a cancellation is answered with (202). */
export const acceptedSchema = z
  .object({
    id: z.string(),
    state: z.enum(JOB_STATE_NAMES).describe('its state now (a submission: PENDING)'),
    href: z.string().describe("the job's URL path"),
  })
  .meta({ id: 'Accepted' });

export const logLineSchema = z
  .object({
    seq: z.number().int().describe('order among all lines (resume with ?after=)'),
    instance: z.string().describe('the instance whose agent reported it (its token)'),
    t: seconds('when the orchestrator read it'),
    line: z.string(),
  })
  .meta({ id: 'LogLine' });

export const logsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0).describe('the last seq already read'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

const usd = (what: string) => z.number().describe(`${what}, USD`);

export const costTotalsSchema = z
  .object({
    t: seconds('as of'),
    spotUsd: usd('billed for spot instances'),
    onDemandUsd: usd('billed for on-demand instances'),
    totalUsd: usd('billed'),
    counterfactualUsd: usd("the same instances' billed time at on-demand prices"),
    savingsUsd: usd('counterfactual less billed'),
    savingsPct: z.number().nullable().describe('savings / counterfactual, percent'),
  })
  .meta({ id: 'CostTotals' });

export const metricsSchema = z
  .object({
    totals: costTotalsSchema,
    preemptions: z.number().int().describe('instances that got an interruption notice'),
    recoveries: z.number().int().describe('times a job went back to the policy'),
    unattributedUsd: usd('billed for instances no job was on'),
    jobs: z.array(
      z.object({
        id: z.string(),
        state: z.enum(JOB_STATE_NAMES),
        costUsd: usd("its share of its instances' bills (by seconds on each)"),
        counterfactualUsd: usd('its share at on-demand prices'),
        preemptions: z.number().int(),
        recoveries: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'Metrics' });

export const costsQuery = z.strictObject({
  since: z.coerce
    .number()
    .min(0)
    .default(0)
    .describe("the first sample's earliest time, seconds of the run's clock"),
});

export const costsSchema = z
  .object({
    latest: costTotalsSchema,
    samples: z.array(costTotalsSchema).describe('the totals at each sample, oldest first'),
  })
  .meta({ id: 'Costs' });

export const serverSchema = z
  .object({
    nowSeconds: z.number().nullable().describe("the run's clock at the server's last look"),
    horizonSeconds: z.number(),
    instanceTypes: z.array(
      z.object({
        name: z.string(),
        gpuMemoryMb: z.number(),
        speed: z.number().describe('work-seconds per second'),
        onDemandPerHour: z.number().describe('$/hour'),
        zone: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'Server' });

export const instanceSchema = z
  .object({
    token: z.string().describe('idempotency token, written before the cloud call'),
    cloudId: z.string().nullable().describe("the cloud's id, once launched"),
    type: z.string(),
    zone: z.string().nullable().describe("its type's zone, when the scenario names one"),
    market: z.enum(['spot', 'on-demand']),
    state: z.enum(INSTANCE_STATE_NAMES),
    reason: z.string(),
    requestedAtSeconds: seconds('launch request'),
    launchedAtSeconds: maybeSeconds('launch'),
    noticedAtSeconds: maybeSeconds('interruption notice'),
    endedAtSeconds: maybeSeconds('end (billing stops)'),
    rebalanceAtSeconds: maybeSeconds('rebalance recommendation'),
    billedUsd: z.number().nullable().describe("billed so far at the server's last sample, USD"),
    counterfactualUsd: z
      .number()
      .nullable()
      .describe('its billed time at the on-demand price, USD'),
  })
  .meta({ id: 'Instance' });

export const journalEntrySchema = z
  .object({
    seq: z.number().int().describe('position in the journal (the SSE event id)'),
    t: seconds('when'),
    what: z.enum(['job', 'instance', 'run']),
    id: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    reason: z.string(),
  })
  .meta({ id: 'JournalEntry' });

/** RFC 9457 problem details, with the field path of each invalid input. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().describe('the request path'),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('each invalid field: its path (e.g. "query.limit") and what is wrong'),
  })
  .meta({ id: 'Problem' });

export const jobListQuery = z.strictObject({
  state: z.enum(JOB_STATE_NAMES).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  offset: z.coerce.number().int().min(0).default(0),
});

export const instanceListQuery = z.strictObject({
  state: z.enum(INSTANCE_STATE_NAMES).optional(),
});

export const eventsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).optional().describe('journal seq to start after'),
});

export type Job = z.infer<typeof jobSchema>;
export type JobSubmission = z.infer<typeof jobSubmissionSchema>;
export type Instance = z.infer<typeof instanceSchema>;
export type Problem = z.infer<typeof problemSchema>;
