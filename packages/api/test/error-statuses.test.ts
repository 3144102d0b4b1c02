/**
 * Every error status the OpenAPI document declares, on every route, is produced here by a real
 * request and its body checked against the document (ajv): the table below must cover the
 * document's whole list, so a route or status added without a case fails this test. The
 * stores are made by hand: a server's (its facts written, one job finished) and a plain run's.
 */

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JobRequests, LiveStore, SERVER_INFO } from '@synkti/orchestrator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiToken, buildApi } from '../src/index.js';
import { openApiChecker } from './openapi-check.js';

let server: FastifyInstance;
let plain: FastifyInstance;
let token: string;
let plainToken: string;
let conforms: Awaited<ReturnType<typeof openApiChecker>>;
let doc: { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-api-errors-'));
  const store = new LiveStore(dir);
  store.setMeta(
    SERVER_INFO,
    JSON.stringify({
      horizonSeconds: 3600,
      instanceTypes: [
        { name: 'gpu', gpuMemoryMb: 16_000, speed: 1, onDemandPerHour: 3, zone: null },
      ],
    }),
  );
  store.insertJobs(
    [
      {
        id: 'done',
        kind: 'batch',
        workSeconds: 60,
        memoryMb: 1000,
        stateMb: 1,
        arrivalSeconds: 0,
        deadlineSeconds: undefined,
        checkpointIntervalSeconds: undefined,
      },
    ],
    0,
  );
  for (const to of ['STARTING', 'RUNNING', 'SUCCEEDED'] as const)
    store.transitionJob('done', to, 'test', 1);
  new JobRequests(store).submit({ kind: 'x', workSeconds: 1, memoryMb: 1, stateMb: 0 });
  store.close();
  server = await buildApi({ stateDir: dir });
  token = apiToken(dir);
  const plainDir = mkdtempSync(path.join(os.tmpdir(), 'synkti-api-plain-'));
  new LiveStore(plainDir).close();
  plain = await buildApi({ stateDir: plainDir });
  plainToken = apiToken(plainDir);
  conforms = await openApiChecker(server);
  doc = (await server.inject({ url: '/openapi.json' })).json();
});
afterAll(async () => {
  await server?.close();
  await plain?.close();
});

interface Case {
  readonly method: 'get' | 'post' | 'delete';
  /** The route as the document names it. */
  readonly route: string;
  readonly status: number;
  readonly url: string;
  readonly body?: unknown;
  readonly auth?: 'none' | 'token' | 'plain';
}

const long = 'x'.repeat(201);
const CASES: readonly Case[] = [
  { method: 'get', route: '/', status: 401, url: '/', auth: 'none' },
  {
    method: 'get',
    route: '/assets/{name}',
    status: 401,
    url: '/assets/dashboard.js',
    auth: 'none',
  },
  { method: 'get', route: '/assets/{name}', status: 422, url: '/assets/secret.txt' },
  { method: 'get', route: '/costs', status: 401, url: '/costs', auth: 'none' },
  { method: 'get', route: '/costs', status: 422, url: '/costs?since=-1' },
  { method: 'get', route: '/events', status: 401, url: '/events', auth: 'none' },
  { method: 'get', route: '/events', status: 422, url: '/events?after=x' },
  { method: 'get', route: '/instances', status: 401, url: '/instances', auth: 'none' },
  { method: 'get', route: '/instances', status: 422, url: '/instances?state=UP' },
  { method: 'get', route: '/jobs', status: 401, url: '/jobs', auth: 'none' },
  { method: 'get', route: '/jobs', status: 422, url: '/jobs?limit=0' },
  {
    method: 'post',
    route: '/jobs',
    status: 401,
    url: '/jobs',
    body: { kind: 'x', workSeconds: 1 },
    auth: 'none',
  },
  {
    method: 'post',
    route: '/jobs',
    status: 409,
    url: '/jobs',
    body: { kind: 'x', workSeconds: 1 },
    auth: 'plain',
  },
  {
    method: 'post',
    route: '/jobs',
    status: 413,
    url: '/jobs',
    body: { kind: 'x', workSeconds: 1, argv: ['y'.repeat(70_000)] },
  },
  { method: 'post', route: '/jobs', status: 422, url: '/jobs', body: { kind: 'x' } },
  { method: 'get', route: '/jobs/{id}', status: 401, url: '/jobs/done', auth: 'none' },
  { method: 'get', route: '/jobs/{id}', status: 404, url: '/jobs/nope' },
  { method: 'get', route: '/jobs/{id}', status: 422, url: `/jobs/${long}` },
  // Beyond what the router takes: still a problem, not the framework's 400.
  { method: 'get', route: '/jobs/{id}', status: 422, url: `/jobs/${'x'.repeat(300)}` },
  { method: 'delete', route: '/jobs/{id}', status: 401, url: '/jobs/done', auth: 'none' },
  { method: 'delete', route: '/jobs/{id}', status: 404, url: '/jobs/nope' },
  { method: 'delete', route: '/jobs/{id}', status: 409, url: '/jobs/done' },
  { method: 'delete', route: '/jobs/{id}', status: 422, url: `/jobs/${long}` },
  { method: 'get', route: '/jobs/{id}/logs', status: 401, url: '/jobs/done/logs', auth: 'none' },
  { method: 'get', route: '/jobs/{id}/logs', status: 404, url: '/jobs/nope/logs' },
  { method: 'get', route: '/jobs/{id}/logs', status: 422, url: '/jobs/done/logs?limit=0' },
  {
    method: 'get',
    route: '/login',
    status: 401,
    url: `/login?code=${'0'.repeat(32)}`,
    auth: 'none',
  },
  { method: 'get', route: '/login', status: 422, url: '/login?code=x', auth: 'none' },
  { method: 'post', route: '/login-codes', status: 401, url: '/login-codes', auth: 'none' },
  { method: 'get', route: '/metrics', status: 401, url: '/metrics', auth: 'none' },
  { method: 'get', route: '/server', status: 401, url: '/server', auth: 'none' },
  { method: 'get', route: '/server', status: 409, url: '/server', auth: 'plain' },
];

describe('every error status of the document', () => {
  it('has a case here, and each case answers with its status and a conforming problem', async () => {
    const declared: string[] = [];
    for (const [route, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const status of Object.keys(op.responses)) {
          if (Number(status) >= 400) declared.push(`${method} ${route} ${status}`);
        }
      }
    }
    const covered = [...new Set(CASES.map((c) => `${c.method} ${c.route} ${c.status}`))];
    expect([...covered].sort()).toEqual([...declared].sort());
    for (const c of CASES) {
      const app = c.auth === 'plain' ? plain : server;
      const auth =
        c.auth === 'none' ? undefined : `Bearer ${c.auth === 'plain' ? plainToken : token}`;
      const r = await app.inject({
        method: c.method.toUpperCase() as 'GET' | 'POST' | 'DELETE',
        url: c.url,
        headers: auth ? { authorization: auth } : {},
        ...(c.body === undefined ? {} : { payload: c.body as object }),
      });
      const what = `${c.method} ${c.url}`;
      expect(r.statusCode, `${what}: ${r.body}`).toBe(c.status);
      expect(r.headers['content-type'], what).toMatch(/^application\/problem\+json/);
      conforms(c.route, c.status, r.json(), c.method);
    }
  });
});
