/** `synkti api`, as a user runs it: refusals before anything runs (exit 2), then serving. */

import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiToken, TOKEN_FILE } from '@synkti/api';
import { LiveStore } from '@synkti/orchestrator';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const MAIN = path.join(ROOT, 'packages/cli/src/main.ts');
const ARGS = ['--conditions=@synkti/source', '--import', 'tsx', MAIN];

describe('synkti api', () => {
  it('refuses a directory without a run, and a token file others can read (exit 2)', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'synkti-apicli-'));
    const a = spawnSync(process.execPath, [...ARGS, 'api', '--state-dir', empty], {
      encoding: 'utf8',
      cwd: ROOT,
    });
    expect(a.status).toBe(2);
    expect(a.stderr).toContain(`--state-dir ${empty}: no live run's store there`);
    new LiveStore(empty).close();
    apiToken(empty);
    chmodSync(path.join(empty, TOKEN_FILE), 0o640);
    const b = spawnSync(process.execPath, [...ARGS, 'api', '--state-dir', empty], {
      encoding: 'utf8',
      cwd: ROOT,
    });
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('mode 640 lets others read the API token');
  });

  it('serves the run on loopback until SIGTERM', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-apicli-'));
    new LiveStore(dir).close();
    const child = spawn(process.execPath, [...ARGS, 'api', '--state-dir', dir], { cwd: ROOT });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /API at (http:\/\/127\.0\.0\.1:\d+) /.exec(out);
        if (m) resolve(m[1] as string);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const res = await fetch(`${url}/jobs`, {
      headers: { authorization: `Bearer ${apiToken(dir)}` },
    });
    expect(await res.json()).toEqual({ total: 0, jobs: [] });
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
