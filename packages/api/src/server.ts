/**
 * The REST API of a live run (live.md, "API"): its jobs, instances and journal, read from the
 * run's store (the orchestrator writes it; SQLite's WAL lets this server read alongside), with
 * every route typed by one zod schema and the OpenAPI document generated from them
 * (`GET /openapi.json`, the one route without a token).
 *
 * Security: it binds 127.0.0.1 unless told otherwise (and then warns); every other request
 * carries the state directory's token as a bearer header (token.ts), compared in constant time;
 * bodies are limited to 64 kB; errors are RFC 9457 problems.
 *
 * `GET /events` streams the journal as server-sent events, one per state change (`id` = the
 * journal's seq, `event` = job | instance | run): a client reconnecting with `Last-Event-ID`
 * (or `?after=`) misses nothing.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifySwagger from '@fastify/swagger';
import {
  FINAL_JOB_STATES,
  type InstanceRow,
  type JobRow,
  LiveStore,
  STORE_FILE,
} from '@synkti/orchestrator';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorHandler, problem, sendProblem } from './problems.js';
import {
  eventsQuery,
  type Instance,
  instanceListQuery,
  instanceSchema,
  type Job,
  jobListQuery,
  jobSchema,
  type journalEntrySchema,
  problemSchema,
} from './schemas.js';
import { apiToken, bearerMatches } from './token.js';

/** Largest request body, bytes. */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** How often an event stream looks for new journal entries, ms. */
export const EVENTS_POLL_MS = 200;

function job(r: JobRow): Job {
  return {
    id: r.id,
    kind: r.kind,
    state: r.state,
    reason: r.reason,
    final: FINAL_JOB_STATES.includes(r.state),
    workSeconds: r.work_seconds,
    progressSeconds: r.base_progress_seconds,
    memoryMb: r.memory_mb,
    stateMb: r.state_mb,
    arrivalSeconds: r.arrival_seconds,
    deadlineSeconds: r.deadline_seconds,
    instance: r.instance_token,
    preemptions: r.preemptions,
    attempts: r.attempts,
    completedAtSeconds: r.completed_at,
    cause: r.cause,
  };
}

function instance(r: InstanceRow): Instance {
  return {
    token: r.token,
    cloudId: r.cloud_id,
    type: r.type,
    market: r.market,
    state: r.state,
    reason: r.reason,
    requestedAtSeconds: r.requested_at,
    launchedAtSeconds: r.launched_at,
    noticedAtSeconds: r.noticed_at,
    endedAtSeconds: r.ended_at,
    rebalanceAtSeconds: r.rebalance_at ?? null,
  };
}

/** What the API serves. */
export interface ApiOptions {
  /** The run's state directory (its store and token). */
  readonly stateDir: string;
}

/** Builds the API (not listening). @throws InsecureSecretError (a loose token file), or when there is no store. */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  if (!existsSync(path.join(options.stateDir, STORE_FILE))) {
    throw new Error(`${options.stateDir}: no live run's store there (${STORE_FILE})`);
  }
  const token = apiToken(options.stateDir);
  const store = new LiveStore(options.stateDir, { readonly: true });
  // Open event streams must not hold a shutdown up.
  const app = Fastify({ bodyLimit: BODY_LIMIT_BYTES, forceCloseConnections: true });
  app.addHook('onClose', async () => store.close());
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, problem(req, 404, `no route ${req.method} ${req.url.split('?')[0]}`)),
  );
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Synkti live API', version: '0.1.0' },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    // The schemas with an id (Job, Instance, Problem, …) as components the routes refer to.
    transformObject: jsonSchemaTransformObject,
  });
  app.addHook('onRequest', async (req, reply) => {
    if (req.url === '/openapi.json') return;
    if (!bearerMatches(req.headers.authorization, token)) {
      await sendProblem(
        reply,
        problem(
          req,
          401,
          `missing or wrong bearer token (it is in ${path.join(options.stateDir, 'api-token')})`,
        ),
      );
    }
  });

  const api = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 401: problemSchema, 422: problemSchema };
  api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  api.get(
    '/jobs',
    {
      schema: {
        summary: 'jobs in submission order',
        querystring: jobListQuery,
        response: {
          200: z.object({ total: z.number().int(), jobs: z.array(jobSchema) }),
          ...errors,
        },
      },
    },
    async (req) => {
      const { offset, limit } = req.query;
      const page = store.jobsPage(req.query.state as JobRow['state'] | undefined, limit, offset);
      return { total: page.total, jobs: page.rows.map(job) };
    },
  );
  api.get(
    '/jobs/:id',
    {
      schema: {
        summary: 'one job',
        params: z.object({ id: z.string().min(1).max(200) }),
        response: { 200: jobSchema, 404: problemSchema, ...errors },
      },
    },
    async (req, reply) => {
      const row = store.job(req.params.id);
      if (row === undefined)
        return sendProblem(reply, problem(req, 404, `no job "${req.params.id}"`));
      return job(row);
    },
  );
  api.get(
    '/instances',
    {
      schema: {
        summary: 'instances in request order',
        querystring: instanceListQuery,
        response: { 200: z.object({ instances: z.array(instanceSchema) }), ...errors },
      },
    },
    async (req) => ({
      instances: store
        .instances(req.query.state ? [req.query.state as InstanceRow['state']] : undefined)
        .map(instance),
    }),
  );
  api.get(
    '/events',
    {
      schema: {
        summary: 'every state change, as server-sent events (text/event-stream) of JournalEntry',
        querystring: eventsQuery,
        response: { ...errors },
      },
    },
    async (req, reply) => {
      const header = Number(req.headers['last-event-id']);
      let after = Number.isInteger(header) && header >= 0 ? header : (req.query.after ?? 0);
      const read = store.db.prepare(
        'SELECT seq, t, what, id, from_state AS "from", to_state AS "to", reason FROM journal WHERE seq > ? ORDER BY seq LIMIT 1000',
      );
      reply.hijack();
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      // Headers go out now, not with the first change: a client with nothing to catch up on
      // must not wait for one to know it is connected.
      reply.raw.write(': connected\n\n');
      const send = () => {
        for (const e of read.all(after) as z.infer<typeof journalEntrySchema>[]) {
          reply.raw.write(`id: ${e.seq}\nevent: ${e.what}\ndata: ${JSON.stringify(e)}\n\n`);
          after = e.seq;
        }
      };
      send();
      const timer = setInterval(send, EVENTS_POLL_MS);
      req.raw.on('close', () => clearInterval(timer));
    },
  );
  return app;
}

/** A listening API. */
export interface RunningApi {
  readonly url: string;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * Builds and starts the API on `host` (default 127.0.0.1; any other address is warned about
 * through `warn`) and `port` (default: any free one).
 */
export async function startApi(
  options: ApiOptions & {
    readonly host?: string;
    readonly port?: number;
    readonly warn?: (message: string) => void;
  },
): Promise<RunningApi> {
  const host = options.host ?? '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) {
    (options.warn ?? ((m) => process.stderr.write(`${m}\n`)))(
      `synkti: the API listens on ${host}, reachable beyond this machine; every request still needs the token`,
    );
  }
  const app = await buildApi(options);
  const url = await app.listen({ host, port: options.port ?? 0 });
  return { url, app, close: () => app.close() };
}
