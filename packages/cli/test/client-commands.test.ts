/**
 * The client commands against a real API over a server's store made by hand (its facts, two
 * jobs — one finished with output lines, one running — an instance and a bill): their tables,
 * their `--json`, and every exit code of docs/serve.md — 2 for bad input and a loose token file,
 * 3 when no server answers, 4 for an unknown job, 5 for a conflict.
 */

import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningApi, startApi } from '@synkti/api';
import { InputError } from '@synkti/bench';
import { LiveStore, SERVER_INFO } from '@synkti/orchestrator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CommandError, EXIT, SERVER_FILE } from '../src/client.js';
import {
  cancelCommand,
  costsCommand,
  dashboardCommand,
  instancesCommand,
  jobsCommand,
  logsCommand,
  parseDuration,
  statusCommand,
  submitCommand,
} from '../src/client-commands.js';
import { main } from '../src/main.js';

let stateDir: string;
let api: RunningApi;

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'synkti-client-'));
  const store = new LiveStore(stateDir);
  store.setMeta(
    SERVER_INFO,
    JSON.stringify({
      horizonSeconds: 86_400,
      instanceTypes: [
        { name: 'gpu', gpuMemoryMb: 16_000, speed: 1, onDemandPerHour: 3, zone: 'z-a' },
      ],
    }),
  );
  const task = (id: string, workSeconds: number) => ({
    id,
    kind: 'batch',
    workSeconds,
    memoryMb: 1000,
    stateMb: 1,
    arrivalSeconds: 0,
    deadlineSeconds: undefined,
    checkpointIntervalSeconds: undefined,
  });
  store.insertJobs([task('done', 600), task('busy', 7200)], 0);
  store.requestInstance('tok-0', 'gpu', 'spot', 0);
  store.transitionInstance('tok-0', 'BOOTING', 'launched', 0, { cloud_id: 'i-0', launched_at: 0 });
  for (const id of ['done', 'busy']) {
    store.transitionJob(id, 'STARTING', 'placed', 0, { instance_token: 'tok-0' });
    store.transitionJob(id, 'RUNNING', 'computing', 60, { running_since: 60 });
  }
  store.transitionJob('done', 'SUCCEEDED', 'work done', 660, { instance_token: null });
  const log = store.prepare(
    'INSERT INTO job_logs (job_id, instance_token, t, line) VALUES (?, ?, ?, ?)',
  );
  for (const line of ['epoch 1', 'epoch 2']) log.run('done', 'tok-0', 600, line);
  store
    .prepare('UPDATE instances SET billed_usd = 0.5, counterfactual_usd = 1.5 WHERE token = ?')
    .run('tok-0');
  const sample = store.prepare(
    'INSERT INTO cost_samples (t, spot_usd, on_demand_usd, counterfactual_usd) VALUES (?, ?, 0, ?)',
  );
  sample.run(900, 0.25, 0.75);
  sample.run(1800, 0.5, 1.5);
  store.setMeta('server_now', JSON.stringify({ t: 1800, wallMs: Date.now() }));
  store.close();
  api = await startApi({ stateDir });
  writeFileSync(
    path.join(stateDir, SERVER_FILE),
    JSON.stringify({ url: api.url, pid: process.pid }),
    {
      mode: 0o600,
    },
  );
});
afterAll(async () => {
  await api?.close();
});

const exitOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    if (error instanceof CommandError) return error.exitCode;
    if (error instanceof InputError) return EXIT.input;
    throw error;
  }
  return EXIT.ok;
};

describe('the client commands', () => {
  it('jobs, status and instances: tables, and --json', async () => {
    const table = await jobsCommand({ stateDir, json: false });
    expect(table.split('\n')[0]).toMatch(/^job\s+kind\s+status\s+progress/);
    expect(table).toMatch(/^done\s+batch\s+SUCCEEDED\s+100%/m);
    // busy: running since 60 s, the server's clock at 1800 s: 1740 of 7200 work-seconds.
    expect(table).toMatch(/^busy\s+batch\s+RUNNING\s+24%/m);
    const json = JSON.parse(await jobsCommand({ stateDir, json: true, state: 'RUNNING' }));
    expect(json.jobs.map((j: { id: string }) => j.id)).toEqual(['busy']);
    const status = JSON.parse(await statusCommand({ stateDir, id: 'busy', json: true }));
    expect(status).toMatchObject({ id: 'busy', status: 'RUNNING', progressEstimateSeconds: 1740 });
    expect(status.state).toBeUndefined();
    expect(await statusCommand({ stateDir, id: 'done', json: false })).toMatch(
      /status\s+SUCCEEDED/,
    );
    expect(await instancesCommand({ stateDir, json: false })).toMatch(
      /^i-0\s+gpu\s+z-a\s+spot\s+BOOTING\s+0\.00 h\s+\$0\.5000/m,
    );
  });

  it('submit: an id at once, synthetic or with a command; --json is {"id"}', async () => {
    expect(
      await submitCommand({ stateDir, kind: 'training', workHours: 1, argv: [], json: false }),
    ).toMatch(/^job-\d+ submitted \(synthetic\)\n$/);
    const out = await submitCommand({
      stateDir,
      kind: 'training',
      workHours: 0.5,
      memoryMb: 8000,
      argv: ['python', 'train.py', '--lr', '0.1'],
      json: true,
    });
    expect(Object.keys(JSON.parse(out))).toEqual(['id']);
    expect(
      await exitOf(submitCommand({ stateDir, kind: 'x', workHours: -1, argv: [], json: false })),
    ).toBe(EXIT.input);
    // The server's 422 (more memory than any type has) is bad input too.
    expect(
      await exitOf(
        submitCommand({ stateDir, kind: 'x', workHours: 1, memoryMb: 1e6, argv: [], json: false }),
      ),
    ).toBe(EXIT.input);
  });

  it('costs: the bill against on demand, per job, and of a window', async () => {
    const out = await costsCommand({ stateDir, json: false });
    expect(out).toMatch(
      /billed \$0\.5000; on demand would be \$1\.5000; saved \$1\.0000 \(66\.7%\)/,
    );
    const window = JSON.parse(await costsCommand({ stateDir, json: true, last: '15m' })).window;
    expect(window).toEqual({ since: 900, usd: 0.25, counterfactualUsd: 0.75 });
    expect(parseDuration('--last', '7d')).toBe(604_800);
    expect(await exitOf(costsCommand({ stateDir, json: false, last: 'a week' }))).toBe(EXIT.input);
  });

  it('logs, cancel and dashboard', async () => {
    let text = '';
    await logsCommand({
      stateDir,
      id: 'done',
      follow: true,
      json: false,
      write: (t) => (text += t),
    });
    expect(text).toBe('epoch 1\nepoch 2\n');
    expect(await cancelCommand({ stateDir, id: 'busy', json: false })).toMatch(
      /busy: cancel requested \(it was RUNNING\)/,
    );
    expect(await exitOf(cancelCommand({ stateDir, id: 'done', json: false }))).toBe(EXIT.conflict);
    expect(await exitOf(cancelCommand({ stateDir, id: 'nope', json: false }))).toBe(EXIT.notFound);
    const { url } = JSON.parse(await dashboardCommand({ stateDir, open: false, json: true }));
    const login = await fetch(url, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/);
  });

  it('exit 3 when no server answers, saying how to start one', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'synkti-client-none-'));
    const none = await exitOf(jobsCommand({ stateDir: empty, json: false }));
    expect(none).toBe(EXIT.noServer);
    await expect(jobsCommand({ stateDir: empty, json: false })).rejects.toThrow(
      `start one with: synkti serve --state-dir ${empty}`,
    );
    await expect(jobsCommand({ stateDir, url: 'http://127.0.0.1:9', json: false })).rejects.toThrow(
      /no server answers at http:\/\/127\.0\.0\.1:9/,
    );
  });

  it('through main: exit codes, and a token file others can read is refused (exit 2)', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['status', 'nope', '--state-dir', stateDir])).toBe(EXIT.notFound);
      expect(await main(['cancel', 'done', '--state-dir', stateDir])).toBe(EXIT.conflict);
      expect(await main(['jobs', '--state-dir', stateDir])).toBe(EXIT.ok);
      chmodSync(path.join(stateDir, 'api-token'), 0o644);
      expect(await main(['jobs', '--state-dir', stateDir])).toBe(EXIT.input);
      expect(String(write.mock.calls.at(-1)?.[0])).toMatch(
        /mode 644 lets others read the API token/,
      );
    } finally {
      chmodSync(path.join(stateDir, 'api-token'), 0o600);
      write.mockRestore();
      out.mockRestore();
    }
  });
});
