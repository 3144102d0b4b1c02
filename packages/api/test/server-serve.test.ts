/**
 * The API over a server's store (what `synkti serve` leaves): submissions (202, 413, 422 with
 * field paths, 409 for a run that is not a server's), cancellations (202, 404, 409), a job's
 * output, the bill (metrics, costs), and the dashboard's login: a one-time code, a signed
 * HttpOnly SameSite=Strict cookie good for reading only. Every response is checked against the
 * published OpenAPI document.
 */

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  InProcessAgents,
  JobRequests,
  LiveStore,
  type Orchestrator,
  runLive,
} from '@synkti/orchestrator';
import { createPolicy } from '@synkti/policies';
import type { Scenario } from '@synkti/sim-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiToken, buildApi, SESSION_COOKIE } from '../src/index.js';
import { openApiChecker } from './openapi-check.js';

const scenario: Scenario = {
  horizonHours: 24,
  idleReleaseSeconds: 600,
  instanceTypes: [
    {
      name: 'gpu',
      gpuMemoryMb: 16_000,
      networkGbps: 10,
      onDemandPerHour: 3,
      bootSeconds: 30,
      zone: 'zone-a',
      spotPrice: { kind: 'constant', perHour: 1 },
      preemption: { kind: 'poisson', ratePerHour: 0 },
    },
  ],
  workload: { tasks: [{ id: 'unused', workSeconds: 60, memoryMb: 1000, stateMb: 1 }] },
};

let stateDir: string;
let app: FastifyInstance;
let token: string;
let conforms: Awaited<ReturnType<typeof openApiChecker>>;
const ids = { done: '', printed: '', long: '' };

async function until(what: string, f: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'synkti-api-serve-'));
  const stop = new AbortController();
  let started: Orchestrator | undefined;
  const run = runLive({
    scenario,
    seed: 1,
    policy: createPolicy('greedy-spot'),
    migration: 'optimal',
    stateDir,
    clock: { speed: 600 },
    agents: new InProcessAgents(path.join(stateDir, 'agents')),
    serve: { signal: stop.signal, costSampleMs: 100, onStarted: (o) => (started = o) },
  });
  await until('the server', () => started !== undefined);
  const store = new LiveStore(stateDir);
  const requests = new JobRequests(store);
  ids.done = requests.submit({ kind: 'batch', workSeconds: 600, memoryMb: 4000, stateMb: 10 });
  ids.printed = requests.submit({
    kind: 'script',
    workSeconds: 60,
    memoryMb: 4000,
    stateMb: 1,
    argv: [process.execPath, '-e', "for (let k = 0; k < 5; k++) console.log('line ' + k)"],
  });
  ids.long = requests.submit({ kind: 'training', workSeconds: 1e6, memoryMb: 4000, stateMb: 1 });
  const state = (id: string) => store.job(id)?.state;
  await until(
    'two done, one running',
    () =>
      state(ids.done) === 'SUCCEEDED' &&
      state(ids.printed) === 'SUCCEEDED' &&
      state(ids.long) === 'RUNNING',
  );
  await new Promise((r) => setTimeout(r, 300)); // a bill sample or two more
  store.close();
  stop.abort();
  (await run).store.close();
  app = await buildApi({ stateDir });
  token = apiToken(stateDir);
  conforms = await openApiChecker(app);
}, 90_000);
afterAll(async () => {
  await app?.close();
});

const bearer = () => ({ authorization: `Bearer ${token}` });
const post = (payload: unknown, headers: Record<string, string> = bearer()) =>
  app.inject({ method: 'POST', url: '/jobs', payload: payload as object, headers });

describe('submissions', () => {
  it('keeps a job and answers 202 with its id at once, with the defaults filled in', async () => {
    const r = await post({ kind: 'training', workSeconds: 3600, argv: ['python', 'train.py'] });
    expect(r.statusCode).toBe(202);
    conforms('/jobs', 202, r.json(), 'post');
    const { id } = r.json() as { id: string };
    expect(id).toMatch(/^job-\d+$/);
    expect(r.headers.location).toBe(`/jobs/${id}`);
    const kept = new JobRequests(new LiveStore(stateDir, { readonly: true })).submission(id);
    expect(JSON.parse(kept?.body ?? '')).toEqual({
      kind: 'training',
      workSeconds: 3600,
      memoryMb: 1000,
      stateMb: 100,
      argv: ['python', 'train.py'],
    });
    // Not the orchestrator's yet (no server runs here): a 404 that says so.
    const one = await app.inject({ url: `/jobs/${id}`, headers: bearer() });
    expect(one.statusCode).toBe(404);
    expect(one.json().detail).toMatch(/submitted; the orchestrator has not taken it yet/);
    conforms('/jobs/{id}', 404, one.json());
  });

  it('refuses bad submissions with 422 and each field path', async () => {
    const cases: [unknown, string][] = [
      [{ workSeconds: 10 }, 'body.kind'],
      [{ kind: 'a b', workSeconds: 10 }, 'body.kind'],
      [{ kind: 'x', workSeconds: -1 }, 'body.workSeconds'],
      [{ kind: 'x', workSeconds: 10, argv: 'python train.py' }, 'body.argv'],
      [{ kind: 'x', workSeconds: 10, argv: [] }, 'body.argv'],
      [{ kind: 'x', workSeconds: 10, memoryMb: 99_999 }, 'body.memoryMb'],
      [{ kind: 'x', workSeconds: 10, shell: 'rm -rf /' }, 'body'],
    ];
    for (const [payload, field] of cases) {
      const r = await post(payload);
      expect(r.statusCode, JSON.stringify(payload)).toBe(422);
      const paths = (r.json() as { errors: { path: string }[] }).errors.map((e) => e.path);
      expect(paths, JSON.stringify(payload)).toContain(field);
      conforms('/jobs', 422, r.json(), 'post');
    }
    const big = await post({ kind: 'x', workSeconds: 10, memoryMb: 99_999 });
    expect(big.json().detail).toMatch(/at most 16000 MB: gpu 16000 MB/);
  });

  it('refuses a body over 64 kB with 413', async () => {
    const r = await post({ kind: 'x', workSeconds: 10, argv: Array(100).fill('a'.repeat(1000)) });
    expect(r.statusCode).toBe(413);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    conforms('/jobs', 413, r.json(), 'post');
  });

  it('refuses submissions to a run that is not a server: 409', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-api-plain-'));
    new LiveStore(dir).close();
    const plain = await buildApi({ stateDir: dir });
    try {
      const r = await plain.inject({
        method: 'POST',
        url: '/jobs',
        payload: { kind: 'x', workSeconds: 10 },
        headers: { authorization: `Bearer ${apiToken(dir)}` },
      });
      expect(r.statusCode).toBe(409);
      expect(r.json().detail).toMatch(/synkti serve/);
      conforms('/jobs', 409, r.json(), 'post');
    } finally {
      await plain.close();
    }
  });
});

describe('cancellations', () => {
  const del = (id: string, headers: Record<string, string> = bearer()) =>
    app.inject({ method: 'DELETE', url: `/jobs/${id}`, headers });

  it('keeps one cancellation of a job that is not final (202), however often asked', async () => {
    for (let k = 0; k < 2; k++) {
      const r = await del(ids.long);
      expect(r.statusCode).toBe(202);
      conforms('/jobs/{id}', 202, r.json(), 'delete');
      expect(r.json()).toMatchObject({ id: ids.long, state: 'RUNNING' });
    }
    const store = new LiveStore(stateDir, { readonly: true });
    const n = store.db
      .prepare("SELECT COUNT(*) AS n FROM requests WHERE kind = 'cancel' AND job_id = ?")
      .get(ids.long) as { n: number };
    store.close();
    expect(n.n).toBe(1);
    const job = await app.inject({ url: `/jobs/${ids.long}`, headers: bearer() });
    expect(job.json().cancelRequested).toBe(true);
  });

  it('answers 409 for a final job and 404 for an unknown one', async () => {
    const done = await del(ids.done);
    expect(done.statusCode).toBe(409);
    expect(done.json().detail).toBe(`job "${ids.done}" is already SUCCEEDED`);
    conforms('/jobs/{id}', 409, done.json(), 'delete');
    const none = await del('job-999');
    expect(none.statusCode).toBe(404);
    conforms('/jobs/{id}', 404, none.json(), 'delete');
  });
});

describe('reads of a server', () => {
  const get = (url: string) => app.inject({ url, headers: bearer() });

  it("serves a job's output, a page at a time", async () => {
    const all = await get(`/jobs/${ids.printed}/logs`);
    expect(all.statusCode).toBe(200);
    conforms('/jobs/{id}/logs', 200, all.json());
    const lines = all.json().lines as { line: string; seq: number }[];
    expect(lines.map((l) => l.line)).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
    const page = (await get(`/jobs/${ids.printed}/logs?after=${lines[1]?.seq}&limit=2`)).json();
    expect(page.lines.map((l: { line: string }) => l.line)).toEqual(['line 2', 'line 3']);
    expect(page.next).toBe(lines[3]?.seq);
    const none = await get('/jobs/job-999/logs');
    expect(none.statusCode).toBe(404);
    conforms('/jobs/{id}/logs', 404, none.json());
    const bad = await get(`/jobs/${ids.printed}/logs?after=-1`);
    expect(bad.statusCode).toBe(422);
    conforms('/jobs/{id}/logs', 422, bad.json());
  });

  it('reports the bill: in total and per job, against on demand', async () => {
    const r = await get('/metrics');
    expect(r.statusCode).toBe(200);
    conforms('/metrics', 200, r.json());
    const m = r.json();
    expect(m.totals.totalUsd).toBeGreaterThan(0);
    // Every instance is spot at $1/hour against $3/hour on demand.
    expect(m.totals.savingsPct).toBeCloseTo(200 / 3, 6);
    const shared = m.jobs.reduce((a: number, j: { costUsd: number }) => a + j.costUsd, 0);
    expect(shared + m.unattributedUsd).toBeCloseTo(m.totals.totalUsd, 9);
    expect(m.jobs.map((j: { id: string }) => j.id)).toEqual([ids.done, ids.printed, ids.long]);
  });

  it('reports cost over time since a time of the run', async () => {
    const all = (await get('/costs')).json();
    conforms('/costs', 200, all);
    expect(all.samples.length).toBeGreaterThan(2);
    const mid = all.samples[Math.floor(all.samples.length / 2)].t;
    const since = (await get(`/costs?since=${mid}`)).json();
    expect(since.samples.length).toBeLessThan(all.samples.length);
    expect(since.samples.every((s: { t: number }) => s.t >= mid)).toBe(true);
    expect(since.latest).toEqual(all.samples.at(-1));
    const bad = await get('/costs?since=yesterday');
    expect(bad.statusCode).toBe(422);
    conforms('/costs', 422, bad.json());
  });

  it("serves the server's clock and types, and instances with their zone and bill", async () => {
    const s = await get('/server');
    conforms('/server', 200, s.json());
    expect(s.json().instanceTypes).toEqual([
      { name: 'gpu', gpuMemoryMb: 16_000, speed: 1, onDemandPerHour: 3, zone: 'zone-a' },
    ]);
    const i = (await get('/instances')).json();
    conforms('/instances', 200, i);
    expect(i.instances[0]).toMatchObject({ zone: 'zone-a', market: 'spot' });
    expect(i.instances[0].billedUsd).toBeGreaterThan(0);
  });
});

describe("the dashboard's login", () => {
  const login = async () => {
    const code = await app.inject({ method: 'POST', url: '/login-codes', headers: bearer() });
    expect(code.statusCode).toBe(201);
    conforms('/login-codes', 201, code.json(), 'post');
    return (code.json() as { path: string }).path;
  };

  it('gives a session cookie once per code: HttpOnly, SameSite=Strict, signed', async () => {
    expect((await app.inject({ url: '/' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/login-codes' })).statusCode).toBe(401);
    const at = await login();
    const r = await app.inject({ url: at });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/');
    const set = String(r.headers['set-cookie']);
    expect(set).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    expect(set).toMatch(/Path=\//);
    const again = await app.inject({ url: at });
    expect(again.statusCode).toBe(401);
    conforms('/login', 401, again.json());
    const unknown = await app.inject({ url: `/login?code=${'0'.repeat(32)}` });
    expect(unknown.statusCode).toBe(401);
    const malformed = await app.inject({ url: '/login?code=x' });
    expect(malformed.statusCode).toBe(422);
    conforms('/login', 422, malformed.json());
  });

  it('lets a session read, and nothing more; a tampered cookie is refused', async () => {
    const r = await app.inject({ url: await login() });
    const cookie = String(r.headers['set-cookie']).split(';')[0] as string;
    const page = await app.inject({ url: '/', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'/);
    for (const asset of ['dashboard.js', 'dashboard.css', 'vega.min.js', 'vega-lite.min.js']) {
      const a = await app.inject({ url: `/assets/${asset}`, headers: { cookie } });
      expect(a.statusCode, asset).toBe(200);
      expect(a.body.length, asset).toBeGreaterThan(100);
    }
    expect((await app.inject({ url: '/jobs', headers: { cookie } })).statusCode).toBe(200);
    expect((await post({ kind: 'x', workSeconds: 10 }, { cookie })).statusCode).toBe(401);
    const del = await app.inject({
      method: 'DELETE',
      url: `/jobs/${ids.long}`,
      headers: { cookie },
    });
    expect(del.statusCode).toBe(401);
    const [name, value] = cookie.split('=') as [string, string];
    const forged = `${name}=${encodeURIComponent(`${Date.now() + 1e9}.${decodeURIComponent(value).split('.').slice(1).join('.')}`)}`;
    expect((await app.inject({ url: '/jobs', headers: { cookie: forged } })).statusCode).toBe(401);
  });
});
