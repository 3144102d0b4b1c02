/**
 * @synkti/api — live mode's REST API: a run's jobs, instances and journal over HTTP, behind a
 * bearer token, typed by zod and published as OpenAPI.
 * @packageDocumentation
 */

export {
  authorized,
  LOGIN_CODE_SECONDS,
  LoginCodes,
  SESSION_COOKIE,
  SESSION_SECONDS,
} from './auth.js';
export { errorHandler, problem, sendProblem } from './problems.js';
export { EVENTS_POLL_MS } from './routes/events.js';
export {
  eventsQuery,
  INSTANCE_STATE_NAMES,
  type Instance,
  instanceListQuery,
  instanceSchema,
  JOB_STATE_NAMES,
  type Job,
  type JobSubmission,
  jobListQuery,
  jobSchema,
  jobSubmissionSchema,
  journalEntrySchema,
  type Problem,
  problemSchema,
  SUBMISSION_DEFAULTS,
} from './schemas.js';
export {
  type ApiOptions,
  BODY_LIMIT_BYTES,
  buildApi,
  type RunningApi,
  startApi,
} from './server.js';
export { apiToken, bearerMatches, TOKEN_FILE } from './token.js';
