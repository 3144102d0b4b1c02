/**
 * Jobs: list, one, submit, cancel, and a job's output. A submission or a cancellation is made
 * durable in the store and answered 202 at once; the orchestrator carries it out at its next
 * look (orchestrator store/requests.ts).
 */

import { FINAL_JOB_STATES, type JobRow, jobLogs } from '@synkti/orchestrator';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type ApiContext,
  cancelsWaiting,
  jobView,
  serverInfo,
  serverNow,
  speeds,
} from '../context.js';
import { problem, sendProblem } from '../problems.js';
import {
  acceptedSchema,
  jobListQuery,
  jobSchema,
  jobSubmissionSchema,
  logLineSchema,
  logsQuery,
  problemSchema,
} from '../schemas.js';

const idParams = z.object({ id: z.string().min(1).max(200) });

/** See the file comment. */
export function jobRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 401: problemSchema, 422: problemSchema };
  const { store, requests } = ctx;
  const view = (rows: readonly JobRow[]) => {
    const now = serverNow(ctx);
    const speedOf = speeds(ctx);
    const cancelling = cancelsWaiting(ctx);
    return rows.map((r) => jobView(r, now, speedOf, cancelling));
  };

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
      return { total: page.total, jobs: view(page.rows) };
    },
  );

  api.get(
    '/jobs/:id',
    {
      schema: {
        summary: 'one job',
        params: idParams,
        response: { 200: jobSchema, 404: problemSchema, ...errors },
      },
    },
    async (req, reply) => {
      const row = store.job(req.params.id);
      if (row !== undefined) return view([row])[0];
      if (requests.submission(req.params.id) !== undefined) {
        return sendProblem(
          reply,
          problem(
            req,
            404,
            `job "${req.params.id}" is submitted; the orchestrator has not taken it yet`,
          ),
        );
      }
      return sendProblem(reply, problem(req, 404, `no job "${req.params.id}"`));
    },
  );

  api.post(
    '/jobs',
    {
      schema: {
        summary: 'submits a job (202: durable; the orchestrator takes it at its next look)',
        body: jobSubmissionSchema,
        response: { 202: acceptedSchema, 409: problemSchema, 413: problemSchema, ...errors },
      },
    },
    async (req, reply) => {
      const info = serverInfo(ctx);
      if (info === undefined) {
        return sendProblem(
          reply,
          problem(
            req,
            409,
            "this run takes no submissions: it is not a server's (start one with synkti serve)",
          ),
        );
      }
      const b = req.body;
      const largest = Math.max(...info.instanceTypes.map((t) => t.gpuMemoryMb));
      if (b.memoryMb > largest) {
        const message = `${b.memoryMb} MB is more than any instance type has (at most ${largest} MB: ${info.instanceTypes.map((t) => `${t.name} ${t.gpuMemoryMb} MB`).join(', ')})`;
        return sendProblem(
          reply,
          problem(req, 422, `body.memoryMb: ${message}`, [{ path: 'body.memoryMb', message }]),
        );
      }
      const id = requests.submit({
        kind: b.kind,
        workSeconds: b.workSeconds,
        memoryMb: b.memoryMb,
        stateMb: b.stateMb,
        deadlineAfterSeconds: b.deadlineAfterSeconds,
        checkpointIntervalSeconds: b.checkpointIntervalSeconds,
        argv: b.argv,
      });
      const href = `/jobs/${id}`;
      return reply.code(202).header('location', href).send({ id, state: 'PENDING', href });
    },
  );

  api.delete(
    '/jobs/:id',
    {
      schema: {
        summary: 'cancels a job (202: durable; the orchestrator cancels it at its next look)',
        params: idParams,
        response: { 202: acceptedSchema, 404: problemSchema, 409: problemSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const row = store.job(id);
      if (row === undefined && requests.submission(id) === undefined) {
        return sendProblem(reply, problem(req, 404, `no job "${id}"`));
      }
      if (row !== undefined && FINAL_JOB_STATES.includes(row.state)) {
        return sendProblem(reply, problem(req, 409, `job "${id}" is already ${row.state}`));
      }
      if (!requests.cancelPending(id)) requests.cancel(id);
      return reply.code(202).send({ id, state: row?.state ?? 'PENDING', href: `/jobs/${id}` });
    },
  );

  api.get(
    '/jobs/:id/logs',
    {
      schema: {
        summary: "a job's output lines (stdout and stderr), from every instance it ran on",
        params: idParams,
        querystring: logsQuery,
        response: {
          200: z.object({
            id: z.string(),
            lines: z.array(logLineSchema),
            next: z.number().int().describe('the ?after= of the next page'),
          }),
          404: problemSchema,
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      if (store.job(id) === undefined && requests.submission(id) === undefined) {
        return sendProblem(reply, problem(req, 404, `no job "${id}"`));
      }
      const lines = jobLogs(store, id, req.query.after, req.query.limit);
      return { id, lines, next: lines.at(-1)?.seq ?? req.query.after };
    },
  );
}
