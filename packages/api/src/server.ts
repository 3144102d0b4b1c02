/**
 * The REST API of a live run (live.md, "API"): jobs (routes/jobs.ts), the fleet and its bill
 * (routes/fleet.ts), the journal as server-sent events (routes/events.ts) and the dashboard
 * (routes/dashboard.ts), over the run's store (the orchestrator writes it alongside; SQLite's
 * WAL lets both work at once). Every route is typed by one zod schema and the OpenAPI document
 * is generated from them (`GET /openapi.json`).
 *
 * Security: it binds 127.0.0.1 unless told otherwise (and then warns); every request but the
 * document and the login carries the state directory's token as a bearer header (token.ts,
 * compared in constant time) or, to read, a browser's session cookie (auth.ts); bodies are
 * limited to 64 kB; errors are RFC 9457 problems.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import { JobRequests, LiveStore, STORE_FILE } from '@synkti/orchestrator';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { authorized, LoginCodes, sessionKey } from './auth.js';
import type { ApiContext } from './context.js';
import { errorHandler, problem, sendProblem } from './problems.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { eventRoutes } from './routes/events.js';
import { fleetRoutes } from './routes/fleet.js';
import { jobRoutes } from './routes/jobs.js';
import { apiToken } from './token.js';

/** Largest request body, bytes. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** Routes anyone may call: the document, and the login (its code is the credential). */
const PUBLIC = new Set(['/openapi.json', '/login']);

/** What the API serves. */
export interface ApiOptions {
  /** The run's state directory (its store and token). */
  readonly stateDir: string;
  /** The one-time login codes it redeems (default: its own). */
  readonly codes?: LoginCodes;
}

/** Builds the API (not listening). @throws InsecureSecretError (a loose token file), or when there is no store. */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  if (!existsSync(path.join(options.stateDir, STORE_FILE))) {
    throw new Error(`${options.stateDir}: no live run's store there (${STORE_FILE})`);
  }
  const token = apiToken(options.stateDir);
  // Read-write: submissions and cancellations are kept in the store (the orchestrator's
  // connection writes alongside; SQLite serializes the writers).
  const store = new LiveStore(options.stateDir);
  const ctx: ApiContext = {
    stateDir: options.stateDir,
    store,
    requests: new JobRequests(store),
    token,
    codes: options.codes ?? new LoginCodes(),
  };
  // Open event streams must not hold a shutdown up.
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    forceCloseConnections: true,
    // Longer than any id the routes take (≤ 200, checked by their schemas: 422 at params.id).
    maxParamLength: 256,
    // What the router refuses before any route (a longer parameter, a malformed URL) is a
    // problem too, not Fastify's own 400 body.
    frameworkErrors: (error, req, reply) =>
      sendProblem(
        reply,
        problem(req, 422, `params: ${error.message}`, [{ path: 'params', message: error.message }]),
      ),
  });
  app.addHook('onClose', async () => store.close());
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, problem(req, 404, `no route ${req.method} ${req.url.split('?')[0]}`)),
  );
  await app.register(fastifyCookie, { secret: sessionKey(token) });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Synkti live API', version: '0.2.0' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'synkti_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    // The schemas with an id (Job, Instance, Problem, …) as components the routes refer to.
    transformObject: jsonSchemaTransformObject,
  });
  app.addHook('onRequest', async (req, reply) => {
    if (PUBLIC.has(req.url.split('?')[0] as string)) return;
    if (!authorized(req, token)) {
      await sendProblem(
        reply,
        problem(
          req,
          401,
          `missing or wrong bearer token (it is in ${path.join(options.stateDir, 'api-token')}); a browser logs in through synkti dashboard, and may only read`,
        ),
      );
    }
  });

  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  jobRoutes(app, ctx);
  fleetRoutes(app, ctx);
  eventRoutes(app, ctx);
  dashboardRoutes(app, ctx);
  return app;
}

/** A listening API. */
export interface RunningApi {
  readonly url: string;
  readonly app: FastifyInstance;
  /** A one-time login URL for a browser (as `POST /login-codes` gives). */
  loginUrl(): string;
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
  const codes = options.codes ?? new LoginCodes();
  const app = await buildApi({ ...options, codes });
  const url = await app.listen({ host, port: options.port ?? 0 });
  return {
    url,
    app,
    loginUrl: () => new URL(`/login?code=${codes.issue()}`, url).toString(),
    close: () => app.close(),
  };
}
