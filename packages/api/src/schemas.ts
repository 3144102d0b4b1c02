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
  })
  .meta({ id: 'Job' });

export const instanceSchema = z
  .object({
    token: z.string().describe('idempotency token, written before the cloud call'),
    cloudId: z.string().nullable().describe("the cloud's id, once launched"),
    type: z.string(),
    market: z.enum(['spot', 'on-demand']),
    state: z.enum(INSTANCE_STATE_NAMES),
    reason: z.string(),
    requestedAtSeconds: seconds('launch request'),
    launchedAtSeconds: maybeSeconds('launch'),
    noticedAtSeconds: maybeSeconds('interruption notice'),
    endedAtSeconds: maybeSeconds('end (billing stops)'),
    rebalanceAtSeconds: maybeSeconds('rebalance recommendation'),
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
export type Instance = z.infer<typeof instanceSchema>;
export type Problem = z.infer<typeof problemSchema>;
