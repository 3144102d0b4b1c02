/**
 * The API's bearer token (live.md): 256 random bits, hex, in `<state dir>/api-token` with mode
 * 0600. A token file that others can read is refused at start (it is a credential), naming the
 * file and its mode. Comparisons are constant-time.
 */

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The token's file name in the state directory. */
export const TOKEN_FILE = 'api-token';

/** A token file readable (or writable) by others than its owner. */
export class InsecureTokenError extends Error {
  constructor(
    readonly file: string,
    readonly mode: number,
  ) {
    super(
      `${file}: mode ${mode.toString(8).padStart(3, '0')} lets others read the API token; ` +
        `chmod 600 ${file} (or delete it: a new one is made)`,
    );
    this.name = 'InsecureTokenError';
  }
}

/** The token in `stateDir`, made (mode 0600) when there is none. @throws InsecureTokenError */
export function apiToken(stateDir: string): string {
  const file = path.join(stateDir, TOKEN_FILE);
  if (!existsSync(file)) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    // 'wx': two servers starting at once never overwrite each other's token.
    try {
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new InsecureTokenError(file, mode);
  return readFileSync(file, 'utf8').trim();
}

/** Whether `given` (e.g. an Authorization header's value) is `Bearer <token>`, in constant time. */
export function bearerMatches(given: string | undefined, token: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(`Bearer ${token}`);
  return a.length === b.length && timingSafeEqual(a, b);
}
