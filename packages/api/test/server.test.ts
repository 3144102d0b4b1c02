/**
 * The API over a finished live run's store: the token (401, loose permissions refused), the
 * routes, problems with field paths (404, 422), the OpenAPI document — every response checked
 * against it by an independent validator (ajv, JSON Schema 2020-12) — and the event stream
 * resumed by Last-Event-ID.
 */

import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InsecureSecretError, runLive } from '@synkti/orchestrator';
import { createPolicy } from '@synkti/policies';
import type { Scenario } from '@synkti/sim-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiToken, buildApi, startApi, TOKEN_FILE } from '../src/index.js';
import { openApiChecker } from './openapi-check.js';

const ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const DEMO = JSON.parse(readFileSync(path.join(ROOT, 'scenarios/live-demo.json'), 'utf8')) as {
  scenario: Scenario;
};

let stateDir: string;
let app: FastifyInstance;
let token: string;
let conforms: Awaited<ReturnType<typeof openApiChecker>>;

beforeAll(async () => {
  stateDir = mkdtempSync(path.join(os.tmpdir(), 'synkti-api-'));
  const run = await runLive({
    scenario: DEMO.scenario,
    seed: 1,
    policy: createPolicy('greedy-spot'),
    migration: 'optimal',
    stateDir,
  });
  run.store.close();
  app = await buildApi({ stateDir });
  token = apiToken(stateDir);
  conforms = await openApiChecker(app);
});
afterAll(async () => {
  await app?.close();
});

const get = (url: string, auth = `Bearer ${token}`) =>
  app.inject({ url, headers: auth ? { authorization: auth } : {} });

describe('the API', () => {
  it('refuses a request without the token, or with a wrong one: 401 problem', async () => {
    for (const auth of ['', 'Bearer nope', `bearer ${token}`, `Bearer ${token}x`]) {
      const r = await get('/jobs', auth);
      expect(r.statusCode).toBe(401);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.json()).toMatchObject({ status: 401, title: 'Unauthorized', instance: '/jobs' });
      conforms('/jobs', 401, r.json());
    }
  });

  it('lists jobs in submission order, by state, a page at a time', async () => {
    const all = await get('/jobs');
    expect(all.statusCode).toBe(200);
    conforms('/jobs', 200, all.json());
    const { total, jobs } = all.json() as {
      total: number;
      jobs: { id: string; state: string; final: boolean }[];
    };
    expect(total).toBe(5);
    expect(jobs.map((j) => j.id)).toEqual(['train-a', 'train-b', 'infer-a', 'infer-b', 'batch']);
    expect(jobs.every((j) => j.state === 'SUCCEEDED' && j.final)).toBe(true);
    const page = (await get('/jobs?offset=1&limit=2')).json() as typeof all extends never
      ? never
      : { total: number; jobs: { id: string }[] };
    expect(page.total).toBe(5);
    expect(page.jobs.map((j) => j.id)).toEqual(['train-b', 'infer-a']);
    expect((await get('/jobs?state=RUNNING')).json()).toEqual({ total: 0, jobs: [] });
  });

  it('serves one job, and a 404 problem for an unknown one or route', async () => {
    const one = await get('/jobs/batch');
    expect(one.statusCode).toBe(200);
    conforms('/jobs/{id}', 200, one.json());
    expect(one.json()).toMatchObject({ id: 'batch', deadlineSeconds: 6600, workSeconds: 3000 });
    const none = await get('/jobs/nope');
    expect(none.statusCode).toBe(404);
    expect(none.json().detail).toBe('no job "nope"');
    conforms('/jobs/{id}', 404, none.json());
    const route = await get('/nowhere');
    expect(route.statusCode).toBe(404);
    expect(route.json()).toMatchObject({ status: 404, detail: 'no route GET /nowhere' });
  });

  it('refuses bad input with 422 and the field path of each error', async () => {
    const cases: [string, string][] = [
      ['/jobs?limit=0', 'query.limit'],
      ['/jobs?limit=ten', 'query.limit'],
      ['/jobs?state=DONE', 'query.state'],
      ['/instances?state=UP', 'query.state'],
    ];
    for (const [url, field] of cases) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(422);
      const body = r.json() as { errors: { path: string }[]; detail: string };
      expect(
        body.errors.map((e) => e.path),
        url,
      ).toContain(field);
      expect(body.detail.startsWith(`${field}: `), body.detail).toBe(true);
      conforms(url.split('?')[0] as string, 422, body);
    }
    const unknown = await get('/jobs?limt=3');
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().detail).toMatch(/limt/);
  });

  it('lists instances with their market, state and times', async () => {
    const r = await get('/instances');
    expect(r.statusCode).toBe(200);
    conforms('/instances', 200, r.json());
    const { instances } = r.json() as { instances: { state: string; market: string }[] };
    expect(instances.length).toBeGreaterThan(0);
    expect(instances.every((i) => i.state === 'TERMINATED' || i.state === 'FAILED')).toBe(true);
    const terminated = (await get('/instances?state=TERMINATED')).json() as {
      instances: unknown[];
    };
    expect(terminated.instances.length).toBe(
      instances.filter((i) => i.state === 'TERMINATED').length,
    );
  });

  it('publishes an OpenAPI 3.1 document of every route, without a token', async () => {
    const r = await app.inject({ url: '/openapi.json' });
    expect(r.statusCode).toBe(200);
    const d = r.json() as { openapi: string; paths: Record<string, unknown> };
    expect(d.openapi).toBe('3.1.0');
    expect(Object.keys(d.paths).sort()).toEqual([
      '/',
      '/assets/{name}',
      '/costs',
      '/events',
      '/instances',
      '/jobs',
      '/jobs/{id}',
      '/jobs/{id}/logs',
      '/login',
      '/login-codes',
      '/metrics',
      '/server',
    ]);
  });
});

describe('the event stream', () => {
  it('streams the journal and resumes after Last-Event-ID', async () => {
    const api = await startApi({ stateDir });
    try {
      const read = async (headers: Record<string, string>, n: number) => {
        const res = await fetch(`${api.url}/events`, {
          headers: { authorization: `Bearer ${token}`, ...headers },
        });
        expect(res.headers.get('content-type')).toBe('text/event-stream');
        const reader = (res.body as ReadableStream<Uint8Array>).getReader();
        let text = '';
        while ((text.match(/\n\n/g) ?? []).length < n)
          text += new TextDecoder().decode((await reader.read()).value);
        await reader.cancel();
        return text
          .split('\n\n')
          .filter((b) => b.startsWith('id: '))
          .slice(0, n)
          .map((b) => {
            const [id, event, data] = b.split('\n');
            return {
              id: Number(id?.slice(4)),
              event: event?.slice(7),
              data: JSON.parse(data?.slice(6) as string),
            };
          });
      };
      const first = await read({}, 5);
      expect(first.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
      for (const e of first) {
        expect(e.data.seq).toBe(e.id);
        expect(e.event).toBe(e.data.what);
      }
      const resumed = await read({ 'last-event-id': '3' }, 2);
      expect(resumed.map((e) => e.id)).toEqual([4, 5]);
      // Nothing to catch up on: the stream still opens at once (headers are not held back).
      const res = await fetch(`${api.url}/events?after=1000000`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(2000),
      });
      expect(res.status).toBe(200);
      await res.body?.cancel();
    } finally {
      await api.close();
    }
  });
});

describe('the token and the address', () => {
  it('refuses a token file others can read, naming it and its mode', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-api-perm-'));
    apiToken(dir);
    chmodSync(path.join(dir, TOKEN_FILE), 0o644);
    expect(() => apiToken(dir)).toThrow(InsecureSecretError);
    expect(() => apiToken(dir)).toThrow(
      `${path.join(dir, TOKEN_FILE)}: mode 644 lets others read the API token`,
    );
    await expect(buildApi({ stateDir })).resolves.toBeDefined();
  });

  it('makes a 0600 token of 256 bits once, and keeps it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-api-tok-'));
    const a = apiToken(dir);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(apiToken(dir)).toBe(a);
  });

  it('binds loopback by default, and warns for any other address', async () => {
    const warned: string[] = [];
    const local = await startApi({ stateDir, warn: (m) => warned.push(m) });
    expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await local.close();
    expect(warned).toEqual([]);
    const wide = await startApi({ stateDir, host: '0.0.0.0', warn: (m) => warned.push(m) });
    await wide.close();
    expect(warned).toEqual([
      'synkti: the API listens on 0.0.0.0, reachable beyond this machine; every request still needs the token',
    ]);
  });
});
