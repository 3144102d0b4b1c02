/**
 * An agent's HTTP API (agent.ts), on loopback, every request with the agent's secret as a bearer
 * token (compared in constant time); bodies limited to {@link MAX_CHECKPOINT_BYTES} for
 * checkpoints and 64 kB otherwise. A request the agent refuses (RangeError) is 422 with its
 * message.
 *
 * - `GET /status` — the notice, the rebalance recommendation and every task's state;
 * - `POST /tasks {id, argv, startSeconds?, resumeFrom?}` or `{id, synthetic, resumeFrom?}` —
 *   starts a task (201);
 * - `POST /tasks/:id/checkpoint` — a command: signalled, its checkpoint awaited; a synthetic
 *   task: `{atSeconds, progressSeconds}` kept;
 * - `DELETE /tasks/:id` — stops it (204);
 * - `GET /tasks/:id/log?after=N` — its output lines from index N (task-log.ts), at most 1000:
 *   `{lines, total}`;
 * - `GET /tasks/:id/checkpoint` — its latest checkpoint (octet-stream; 404 without one);
 * - `PUT /tasks/:id/checkpoint` — receives one (octet-stream); answers with its path here;
 * - `POST /tasks/:id/checkpoint/upload {bucket, key, region, endpoint?}` — uploads its latest
 *   checkpoint to S3 (a task left without a destination); answers `{bytes}`;
 * - `POST /tasks/:id/checkpoint/restore {bucket, key, region, endpoint?}` — downloads one from
 *   S3, as if received; answers with its path here.
 */

import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Agent, MAX_CHECKPOINT_BYTES } from './agent.js';
import { checkS3Location } from './s3-checkpoints.js';

/** See the file comment. */
export function agentApi(agent: Agent): FastifyInstance {
  const app = Fastify({ bodyLimit: 64 * 1024 });
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: MAX_CHECKPOINT_BYTES },
    (_req, body, done) => done(null, body),
  );
  app.addHook('onRequest', async (req, reply) => {
    const a = Buffer.from(req.headers.authorization ?? '');
    const b = Buffer.from(`Bearer ${agent.secret}`);
    if (a.length !== b.length || !timingSafeEqual(a, b))
      await reply.code(401).send({ message: 'missing or wrong agent secret' });
  });
  app.setErrorHandler(async (error, _req, reply) =>
    reply
      .code(
        error instanceof RangeError ? 422 : ((error as { statusCode?: number }).statusCode ?? 500),
      )
      .send({ message: (error as Error).message }),
  );
  app.get('/status', async () => agent.status());
  app.post('/tasks', async (req, reply) => {
    const body = req.body as {
      id?: unknown;
      argv?: unknown;
      synthetic?: unknown;
      resumeFrom?: unknown;
      startSeconds?: unknown;
    };
    if (typeof body?.id !== 'string') throw new RangeError('id: expected a string');
    const resume = typeof body.resumeFrom === 'string' ? body.resumeFrom : undefined;
    if (body.synthetic !== undefined) {
      return reply.code(201).send(agent.startSynthetic(body.id, body.synthetic, resume));
    }
    if (!Array.isArray(body.argv))
      throw new RangeError('argv: expected a non-empty list of strings');
    const start = typeof body.startSeconds === 'number' ? body.startSeconds : undefined;
    return reply.code(201).send(agent.startTask(body.id, body.argv as string[], resume, start));
  });
  app.post<{ Params: { id: string } }>('/tasks/:id/checkpoint', async (req) => {
    const body = req.body as { atSeconds?: unknown; progressSeconds?: unknown } | undefined;
    if (agent.kindOf(req.params.id) === 'command') {
      return { path: await agent.checkpointCommand(req.params.id) };
    }
    if (typeof body?.atSeconds !== 'number' || typeof body.progressSeconds !== 'number') {
      throw new RangeError('body: expected {atSeconds: number, progressSeconds: number}');
    }
    return {
      path: agent.checkpointSynthetic(req.params.id, body.atSeconds, body.progressSeconds),
    };
  });
  app.delete<{ Params: { id: string } }>('/tasks/:id', async (req, reply) => {
    agent.stopTask(req.params.id);
    return reply.code(204).send();
  });
  app.get<{ Params: { id: string }; Querystring: { after?: string } }>(
    '/tasks/:id/log',
    async (req) => {
      const after = Number(req.query.after ?? 0);
      if (!(Number.isInteger(after) && after >= 0))
        throw new RangeError(`after: expected an integer >= 0, got ${req.query.after}`);
      return {
        lines: agent.logs.read(req.params.id, after, 1000),
        total: agent.logs.count(req.params.id),
      };
    },
  );
  app.get<{ Params: { id: string } }>('/tasks/:id/checkpoint', async (req, reply) => {
    const file = agent.checkpointFile(req.params.id);
    if (file === undefined) return reply.code(404).send({ message: 'no checkpoint' });
    return reply.type('application/octet-stream').send(readFileSync(file));
  });
  app.put<{ Params: { id: string } }>('/tasks/:id/checkpoint', async (req) => {
    if (!Buffer.isBuffer(req.body)) throw new RangeError('body: expected application/octet-stream');
    return { path: agent.receiveCheckpoint(req.params.id, req.body) };
  });
  app.post<{ Params: { id: string } }>('/tasks/:id/checkpoint/upload', async (req) => ({
    bytes: await agent.uploadCheckpoint(req.params.id, checkS3Location(req.body)),
  }));
  app.post<{ Params: { id: string } }>('/tasks/:id/checkpoint/restore', async (req) => ({
    path: await agent.restoreCheckpoint(req.params.id, checkS3Location(req.body)),
  }));
  return app;
}
