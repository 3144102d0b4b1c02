/**
 * How the CLI's client commands reach a server (`synkti serve`): its state directory
 * (`--state-dir`, else `$SYNKTI_STATE_DIR`, else {@link DEFAULT_STATE_DIR}) holds the token
 * (`api-token`, mode 0600) and the server's address (`server.json`, written when it listens);
 * `--url` or `$SYNKTI_URL` names the address instead. Every request carries the token as a
 * bearer header. A failure is a {@link CommandError} with the exit code of {@link EXIT}.
 */

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TOKEN_FILE } from '@synkti/api';
import { checkOwnerOnly } from '@synkti/orchestrator';

/** A server's state directory when none is named. */
export const DEFAULT_STATE_DIR = path.join(os.homedir(), '.synkti', 'server');
/** The file a listening server writes into its state directory: `{url, pid}` (mode 0600). */
export const SERVER_FILE = 'server.json';

/**
 * The `synkti` command's exit codes (docs/cli.md). 2 is bad input refused before anything ran,
 * by the CLI or by the server (401 with a token that does not match, 413, 422).
 */
export const EXIT = {
  ok: 0,
  failed: 1,
  input: 2,
  /** No server answers (none started, or it stopped). */
  noServer: 3,
  /** No such job (404). */
  notFound: 4,
  /** The request conflicts with the job's state (409: e.g. cancelling a finished job). */
  conflict: 5,
} as const;

/** A client command that failed, with its exit code. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Where to find a server. */
export interface ServerAddress {
  readonly stateDir?: string | undefined;
  readonly url?: string | undefined;
}

/** The state directory `given`, else `$SYNKTI_STATE_DIR`, else the default. */
export function stateDirOf(given: string | undefined): string {
  return given ?? process.env['SYNKTI_STATE_DIR'] ?? DEFAULT_STATE_DIR;
}

/** An RFC 9457 problem as the API sends it. */
interface Problem {
  readonly detail?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
}

/** A client of one server. */
export class ApiClient {
  constructor(
    readonly url: string,
    readonly token: string,
    readonly stateDir: string,
  ) {}

  /** Calls `method path` (with a JSON `body`); resolves to the parsed answer. */
  async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(route, this.url), {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new CommandError(
        `no server answers at ${this.url} (${(error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message}); start one with: synkti serve --state-dir ${this.stateDir}`,
        EXIT.noServer,
      );
    }
    const text = await res.text();
    if (res.ok) return (text === '' ? undefined : JSON.parse(text)) as T;
    let p: Problem = {};
    try {
      p = JSON.parse(text) as Problem;
    } catch {
      // not a problem document: the status says it
    }
    const detail = p.detail ?? `${res.status} ${res.statusText}`;
    const code =
      res.status === 404
        ? EXIT.notFound
        : res.status === 409
          ? EXIT.conflict
          : res.status < 500
            ? EXIT.input
            : EXIT.failed;
    throw new CommandError(detail, code);
  }
}

/** A client of the server `where` names. @throws CommandError (no server), InsecureSecretError */
export function connect(where: ServerAddress): ApiClient {
  const stateDir = stateDirOf(where.stateDir);
  const tokenFile = path.join(stateDir, TOKEN_FILE);
  let token: string;
  try {
    checkOwnerOnly(tokenFile, 'API token');
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new CommandError(
      `no server's token in ${stateDir} (${TOKEN_FILE}); start one with: synkti serve --state-dir ${stateDir}`,
      EXIT.noServer,
    );
  }
  const url = where.url ?? process.env['SYNKTI_URL'] ?? serverUrl(stateDir);
  return new ApiClient(url, token, stateDir);
}

/** What `stateDir`'s server file says; undefined when there is none. */
export function readServerFile(stateDir: string): { url: string; pid: number } | undefined {
  try {
    return JSON.parse(readFileSync(path.join(stateDir, SERVER_FILE), 'utf8')) as {
      url: string;
      pid: number;
    };
  } catch {
    return undefined;
  }
}

/** The URL in `stateDir`'s server file. @throws CommandError when there is none. */
function serverUrl(stateDir: string): string {
  const file = readServerFile(stateDir);
  if (file !== undefined) return file.url;
  throw new CommandError(
    `no server is listening for ${stateDir} (no ${SERVER_FILE}); start one with: synkti serve --state-dir ${stateDir}, or give --url`,
    EXIT.noServer,
  );
}
