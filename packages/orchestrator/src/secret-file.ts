/**
 * Files that hold a credential (the API token, the AWS agents' key, a cloud process's
 * cloud.json): made once with mode 0600, and refused when others may read them — one rule,
 * stated here, for every such file.
 */

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A credential file that others than its owner may read or write. */
export class InsecureSecretError extends Error {
  constructor(
    readonly file: string,
    /** Its permission bits. */
    readonly mode: number,
    what: string,
  ) {
    super(
      `${file}: mode ${mode.toString(8).padStart(3, '0')} lets others read the ${what}; ` +
        `chmod 600 ${file}`,
    );
    this.name = 'InsecureSecretError';
  }
}

/** @throws InsecureSecretError when `file` (holding the `what`) is not owner-only. */
export function checkOwnerOnly(file: string, what: string): void {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new InsecureSecretError(file, mode, what);
}

/**
 * The contents of credential file `file`, made by `make` (mode 0600, its directory 0700) when
 * there is none. Two processes making it at once never overwrite each other ('wx').
 * @throws InsecureSecretError when the file is not owner-only.
 */
export function ownerOnlySecret(
  file: string,
  what: string,
  make: () => string | Uint8Array,
): Buffer {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, make(), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  checkOwnerOnly(file, what);
  return readFileSync(file);
}
