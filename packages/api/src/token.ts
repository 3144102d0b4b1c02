/**
 * The API's bearer token (live.md): 256 random bits, hex, in `<state dir>/api-token` with mode
 * 0600 (a credential file: the orchestrator's `ownerOnlySecret`, so one that others can read is
 * refused at start, naming the file and its mode). Comparisons are constant-time.
 */

import { randomBytes, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { ownerOnlySecret } from '@synkti/orchestrator';

/** The token's file name in the state directory. */
export const TOKEN_FILE = 'api-token';

/** The token in `stateDir`, made when there is none. @throws InsecureSecretError */
export function apiToken(stateDir: string): string {
  return ownerOnlySecret(
    path.join(stateDir, TOKEN_FILE),
    'API token',
    () => `${randomBytes(32).toString('hex')}\n`,
  )
    .toString('utf8')
    .trim();
}

/** Whether `given` (e.g. an Authorization header's value) is `Bearer <token>`, in constant time. */
export function bearerMatches(given: string | undefined, token: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(`Bearer ${token}`);
  return a.length === b.length && timingSafeEqual(a, b);
}
