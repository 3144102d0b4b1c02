/**
 * `npm run bench:api`: the REST API under load on loopback (autocannon, bounded), on a store
 * holding 10,000 jobs:
 *
 * - `GET /jobs?limit=100` (a page, as a dashboard asks) and `GET /jobs/:id`: requests per second
 *   and p99 latency, 10 connections for 5 s each;
 * - `GET /events` fan-out: 100 clients hold the stream open while 200 state changes are
 *   committed to the journal, one every 20 ms; the wall time from each commit to its arrival at
 *   every client (p50, p99), and whether every client got every change in order.
 *
 * Prints figures measured in this run, side by side.
 */

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LiveStore } from '@synkti/orchestrator';
import { quantile, type ResolvedTask } from '@synkti/sim-core';
import autocannon from 'autocannon';
import { apiToken, startApi } from '../src/index.js';

const JOBS = 10_000;
const CLIENTS = 100;
const CHANGES = 200;

const dir = mkdtempSync(path.join(os.tmpdir(), 'synkti-api-bench-'));
const store = new LiveStore(dir);
store.insertJobs(
  Array.from(
    { length: JOBS },
    (_, k) =>
      ({
        id: `job-${k}`,
        kind: 'training',
        workSeconds: 3600,
        memoryMb: 16_000,
        stateMb: 2000,
        arrivalSeconds: k,
        deadlineSeconds: undefined,
        checkpointIntervalSeconds: undefined,
      }) as unknown as ResolvedTask,
  ),
  0,
);
const token = apiToken(dir);
const api = await startApi({ stateDir: dir });
const headers = { authorization: `Bearer ${token}` };

async function load(route: string) {
  const r = await autocannon({ url: `${api.url}${route}`, connections: 10, duration: 5, headers });
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`${route}: ${r.non2xx} non-2xx, ${r.errors} errors`);
  return { route, rps: r.requests.average, p99: r.latency.p99 };
}
const page = await load('/jobs?limit=100&offset=5000');
const one = await load('/jobs/job-7777');

// ---- SSE fan-out ----------------------------------------------------------------------------
const start = (store.db.prepare('SELECT MAX(seq) AS s FROM journal').get() as { s: number }).s;
const committedAt = new Map<number, number>();
const delays: number[] = [];
let inOrder = true;
const clients = await Promise.all(
  Array.from({ length: CLIENTS }, async () => {
    const res = await fetch(`${api.url}/events?after=${start}`, { headers });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let last = start;
    const done = (async () => {
      while (last < start + CHANGES) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buffer += decoder.decode(value, { stream: true });
        for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          const m = /^id: (\d+)/.exec(block);
          if (m === null) continue; // a comment (": connected")
          const id = Number(m[1]);
          if (id !== last + 1) inOrder = false;
          last = id;
          delays.push(performance.now() - (committedAt.get(id) as number));
        }
      }
      await reader.cancel();
    })();
    // Wrapped: an async function returning the promise itself would wait for it.
    return { done };
  }),
);
for (let k = 0; k < CHANGES; k++) {
  store.transaction(() => store.note(k, `job-${k}`, 'bench change'));
  committedAt.set(start + k + 1, performance.now());
  await new Promise((r) => setTimeout(r, 20));
}
await Promise.all(clients.map((c) => c.done));
await api.close();
store.close();

const ms = (x: number) => x.toFixed(1);
process.stdout.write(
  [
    `REST API on loopback, ${JOBS} jobs in the store (autocannon: 10 connections, 5 s each)`,
    '',
    '| route | requests/s | p99 ms |',
    '|---|---|---|',
    `| GET ${page.route} | ${page.rps.toFixed(0)} | ${page.p99} |`,
    `| GET ${one.route} | ${one.rps.toFixed(0)} | ${one.p99} |`,
    '',
    `GET /events to ${CLIENTS} clients, ${CHANGES} changes 20 ms apart: commit → arrival p50 ${ms(quantile(delays, 0.5) as number)} ms, p99 ${ms(quantile(delays, 0.99) as number)} ms; ${delays.length} of ${CLIENTS * CHANGES} delivered${inOrder ? ', all in order' : ', NOT all in order'}`,
    '',
  ].join('\n'),
);
