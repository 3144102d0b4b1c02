/**
 * `GET /events`: the journal as server-sent events, one per state change (`id` = the journal's
 * seq, `event` = job | instance | run): a client reconnecting with `Last-Event-ID` (or `?after=`)
 * misses nothing. The stream looks for new entries every {@link EVENTS_POLL_MS}.
 */

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { ApiContext } from '../context.js';
import { eventsQuery, type journalEntrySchema, problemSchema } from '../schemas.js';

/** How often an event stream looks for new journal entries, ms. */
export const EVENTS_POLL_MS = 200;

/** See the file comment. */
export function eventRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    '/events',
    {
      schema: {
        summary: 'every state change, as server-sent events (text/event-stream) of JournalEntry',
        querystring: eventsQuery,
        response: { 401: problemSchema, 422: problemSchema },
      },
    },
    async (req, reply) => {
      const header = Number(req.headers['last-event-id']);
      let after = Number.isInteger(header) && header >= 0 ? header : (req.query.after ?? 0);
      const read = ctx.store.prepare(
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
}
