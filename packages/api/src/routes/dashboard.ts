/**
 * The dashboard (live.md): one page and its scripts, served to a browser with a session
 * (auth.ts), and the one-time login that gives it one. The page's scripts are files of this
 * package (`assets/`) and the browser builds of Vega and Vega-Lite from their installed
 * packages: nothing to build, nothing fetched from elsewhere (the page's Content-Security-Policy
 * allows only this origin).
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { startSession } from '../auth.js';
import type { ApiContext } from '../context.js';
import { problem, sendProblem } from '../problems.js';
import { problemSchema } from '../schemas.js';

/** The directory of this package's assets (beside src/ and dist/). */
const ASSETS = fileURLToPath(new URL('../../assets/', import.meta.url));

/** The browser build `file` of installed package `name`. */
function browserBuild(name: string, file: string): string {
  const main = fileURLToPath(import.meta.resolve(name));
  // Entries live in the package's build/ directory: its browser builds sit beside them.
  let dir = path.dirname(main);
  while (path.basename(dir) !== 'build' && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return path.join(dir, file);
}

/** What `/assets/:name` serves: the file and its media type. */
const FILES: Readonly<Record<string, { readonly file: () => string; readonly type: string }>> = {
  'dashboard.js': { file: () => path.join(ASSETS, 'dashboard.js'), type: 'text/javascript' },
  'dashboard.css': { file: () => path.join(ASSETS, 'dashboard.css'), type: 'text/css' },
  'vega.min.js': { file: () => browserBuild('vega', 'vega.min.js'), type: 'text/javascript' },
  'vega-lite.min.js': {
    file: () => browserBuild('vega-lite', 'vega-lite.min.js'),
    type: 'text/javascript',
  },
};

/** The page's policy: this origin only; Vega compiles its expressions (hence unsafe-eval). */
const CSP =
  "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

/** See the file comment. */
export function dashboardRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const cache = new Map<string, Buffer>();
  const read = (name: string, file: () => string) => {
    let b = cache.get(name);
    if (b === undefined) {
      b = readFileSync(file());
      cache.set(name, b);
    }
    return b;
  };

  api.get(
    '/',
    {
      schema: { summary: 'the dashboard page (needs a session)', response: { 401: problemSchema } },
    },
    async (_req, reply: FastifyReply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', CSP)
        .header('cache-control', 'no-store')
        .send(read('dashboard.html', () => path.join(ASSETS, 'dashboard.html'))),
  );

  const assetParams = z.object({ name: z.enum(Object.keys(FILES) as [string, ...string[]]) });
  api.get(
    '/assets/:name',
    {
      schema: {
        summary: "the dashboard's scripts and style",
        params: assetParams,
        response: { 401: problemSchema, 422: problemSchema },
      },
    },
    async (req, reply: FastifyReply) => {
      const { name } = req.params as z.infer<typeof assetParams>;
      const f = FILES[name] as (typeof FILES)[string];
      return reply
        .type(f.type)
        .header('cache-control', 'private, max-age=3600')
        .send(read(name, f.file));
    },
  );

  api.post(
    '/login-codes',
    {
      schema: {
        summary: 'a one-time login URL for a browser (bearer token only; synkti dashboard asks)',
        response: {
          201: z.object({
            path: z.string().describe('the login path: open it within 5 minutes, once'),
          }),
          401: problemSchema,
        },
      },
    },
    async (_req, reply) => reply.code(201).send({ path: `/login?code=${ctx.codes.issue()}` }),
  );

  const loginQuery = z.strictObject({ code: z.string().regex(/^[0-9a-f]{32}$/) });
  api.get(
    '/login',
    {
      schema: {
        summary: 'redeems a one-time login code: sets the session cookie, then to the dashboard',
        querystring: loginQuery,
        response: { 401: problemSchema, 422: problemSchema },
      },
    },
    async (req, reply: FastifyReply) => {
      if (!ctx.codes.redeem((req.query as z.infer<typeof loginQuery>).code)) {
        return sendProblem(
          reply,
          problem(
            req,
            401,
            'this login code is unknown, used or expired: run synkti dashboard again',
          ),
        );
      }
      startSession(reply);
      return reply.code(303).header('location', '/').send();
    },
  );
}
