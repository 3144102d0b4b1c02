/**
 * `moto_server` (moto 5, an EC2/SQS/EventBridge/S3 API emulator) for the AWS provider's tests:
 * started on a free 127.0.0.1 port, reset between tests (`POST /moto-api/reset`), stopped at
 * the end. It is found at `$MOTO_SERVER`, on PATH, through `pyenv which`, or in pyenv's
 * directories. Where it is absent,
 * the tests are skipped with a warning — except in CI (`CI=true`), where its absence fails them.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Credentials moto accepts (any). */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;

/** Where moto_server is, or undefined. */
export function findMotoServer(): string | undefined {
  const given = process.env['MOTO_SERVER'];
  if (given && existsSync(given)) return given;
  for (const probe of [
    ['sh', ['-c', 'command -v moto_server']],
    ['pyenv', ['which', 'moto_server']],
  ] as const) {
    try {
      const out = execFileSync(probe[0], [...probe[1]], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      if (out && existsSync(out)) return out;
    } catch {
      // not this way
    }
  }
  // pyenv's shims and versions, where PATH does not have them (a non-login shell).
  const root = process.env['PYENV_ROOT'] ?? path.join(os.homedir(), '.pyenv');
  const candidates = [path.join(root, 'shims', 'moto_server')];
  try {
    for (const v of readdirSync(path.join(root, 'versions'))) {
      candidates.push(path.join(root, 'versions', v, 'bin', 'moto_server'));
    }
  } catch {
    // no pyenv versions
  }
  return candidates.find((c) => existsSync(c));
}

/** Whether the moto-backed tests run here (see the file comment). */
export function motoAvailable(): boolean {
  const found = findMotoServer() !== undefined;
  if (!found && process.env['CI'] === 'true') {
    throw new Error('moto_server not found: CI needs it (pyenv python3 with moto 5)');
  }
  if (!found)
    console.warn('moto_server not found: the AWS provider tests against moto are skipped');
  return found;
}

/** A free loopback port (asked of the OS). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A running moto_server. */
export interface Moto {
  readonly url: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts moto_server on a free loopback port and waits until it answers. */
export async function startMoto(): Promise<Moto> {
  const bin = findMotoServer();
  if (bin === undefined) throw new Error('moto_server not found');
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.status < 500) break;
    } catch {
      // not yet
    }
    if (waited > 30_000) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer within 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async reset() {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset: HTTP ${res.status}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
