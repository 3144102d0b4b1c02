/**
 * AWS errors as the orchestrator must react to them (live.md: capacity, transient, permanent).
 * The SDK has already retried what it could: throttling and transient failures (timeouts, 5xx,
 * dropped connections) are retried inside the client with exponential backoff and full jitter,
 * at most `maxAttempts` times ({@link retryStrategy}); what still fails reaches this mapping.
 *
 * - **capacity**: no capacity for the request now (`InsufficientInstanceCapacity` and kin). The
 *   policy is told, as a launch refused for capacity: the same input it gets in simulation.
 * - **transient**: throttled or transient after every attempt: the orchestrator may try later.
 * - **permanent**: credentials, permissions or a bad request: the run stops with AWS's own
 *   message and what to check.
 */

import {
  ConfiguredRetryStrategy,
  isServerError,
  isThrottlingError,
  isTransientError,
} from '@smithy/core/retry';
import {
  CapacityError,
  CloudError,
  PermanentCloudError,
  TransientCloudError,
} from '../cloud/provider.js';

/** Codes meaning "no capacity for this request now" (EC2 errors, spot request status codes). */
export const CAPACITY_CODES: ReadonlySet<string> = new Set([
  'InsufficientInstanceCapacity',
  'InsufficientCapacity',
  'InsufficientHostCapacity',
  'InsufficientReservedInstanceCapacity',
  'capacity-not-available',
  'capacity-oversubscribed',
]);

/** Codes meaning the credentials or their permissions are wrong. */
export const AUTH_CODES: ReadonlySet<string> = new Set([
  'AuthFailure',
  'UnauthorizedOperation',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'AccessDenied',
  'AccessDeniedException',
  'OptInRequired',
  'UnrecognizedClientException',
  'CredentialsProviderError',
]);

/** First backoff ceiling, ms (the SDK's own default base). */
export const RETRY_BASE_MS = 100;
/** Largest backoff, ms (the SDK's own cap). */
export const RETRY_MAX_MS = 20_000;

/**
 * The clients' retry strategy: `maxAttempts` attempts in all, waiting a uniformly random time
 * up to `baseMs` · 2^(attempt − 1) (capped at {@link RETRY_MAX_MS}) before each retry: "full
 * jitter", so that many clients throttled at once do not come back at once. The draw is
 * `Math.random()`: a wait, not a simulation draw, so it needs no seeded stream.
 */
export function retryStrategy(
  maxAttempts: number,
  baseMs = RETRY_BASE_MS,
): ConfiguredRetryStrategy {
  return new ConfiguredRetryStrategy(maxAttempts, (attempt: number) =>
    Math.floor(Math.random() * Math.min(RETRY_MAX_MS, baseMs * 2 ** (attempt - 1))),
  );
}

/** What an SDK error looks like to this mapping. */
interface SdkError {
  readonly name?: string;
  readonly Code?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

/** The error's AWS code (the SDK names the error class after it). */
export function awsCode(error: unknown): string {
  const e = error as SdkError;
  return e?.Code ?? e?.name ?? e?.code ?? 'Error';
}

/** What to check, by kind of permanent failure. */
function advice(code: string, operation: string): string {
  if (AUTH_CODES.has(code)) {
    return (
      'check the credentials (AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), ' +
      `that their IAM policy allows ${operation} (docs/aws.md lists the policy), and the region`
    );
  }
  if (/^Invalid(AMIID|SubnetID|GroupId|Group|KeyPair|LaunchTemplate)/.test(code)) {
    return 'check the provider configuration file: the id it names does not exist in this region';
  }
  return 'check the provider configuration file and the request';
}

/**
 * Maps an error of `operation` in `region` to the typed cloud error. Errors that are not the
 * SDK's (a bug here) pass through unchanged.
 */
export function cloudError(error: unknown, operation: string, region: string): unknown {
  if (error instanceof CloudError) return error; // already typed
  const e = error as SdkError;
  if (e === null || typeof e !== 'object' || e.$metadata === undefined) {
    if (error instanceof Error && isTransientError(error as never)) {
      return new TransientCloudError(`${region} ${operation}: ${error.message}`);
    }
    return error;
  }
  const code = awsCode(error);
  const attempts = e.$metadata.attempts ?? 1;
  const said = `${region} ${operation}: ${code}: ${e.message ?? ''}`.trimEnd();
  if (CAPACITY_CODES.has(code)) return new CapacityError(said, undefined);
  if (
    isThrottlingError(error as never) ||
    isTransientError(error as never) ||
    isServerError(error as never)
  ) {
    return new TransientCloudError(
      `${said} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`,
    );
  }
  return new PermanentCloudError(`${said} — ${advice(code, operation)}`);
}
