/**
 * @synkti/api — live mode's REST API: a run's jobs, instances and journal over HTTP, behind a
 * bearer token, typed by zod and published as OpenAPI.
 * @packageDocumentation
 */

export { errorHandler, problem, sendProblem } from './problems.js';
export {
  eventsQuery,
  INSTANCE_STATE_NAMES,
  type Instance,
  instanceListQuery,
  instanceSchema,
  JOB_STATE_NAMES,
  type Job,
  jobListQuery,
  jobSchema,
  journalEntrySchema,
  type Problem,
  problemSchema,
} from './schemas.js';
export {
  type ApiOptions,
  BODY_LIMIT_BYTES,
  buildApi,
  EVENTS_POLL_MS,
  type RunningApi,
  startApi,
} from './server.js';
export { apiToken, bearerMatches, TOKEN_FILE } from './token.js';
