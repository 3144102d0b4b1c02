/** The fleet and its bill: instances, metrics (cost so far, savings, preemptions, recoveries), cost over time, and the server's facts. */

import { costReport, costSamples, type InstanceRow, latestCosts } from '@synkti/orchestrator';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type ApiContext, instanceView, serverInfo, serverNow } from '../context.js';
import { problem, sendProblem } from '../problems.js';
import {
  costsQuery,
  costsSchema,
  instanceListQuery,
  instanceSchema,
  metricsSchema,
  problemSchema,
  serverSchema,
} from '../schemas.js';

/** See the file comment. */
export function fleetRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 401: problemSchema, 422: problemSchema };
  const { store } = ctx;
  const undef = <T>(x: T | undefined) => x ?? null;

  api.get(
    '/instances',
    {
      schema: {
        summary: 'instances in request order',
        querystring: instanceListQuery,
        response: { 200: z.object({ instances: z.array(instanceSchema) }), ...errors },
      },
    },
    async (req) => {
      const info = serverInfo(ctx);
      return {
        instances: store
          .instances(req.query.state ? [req.query.state as InstanceRow['state']] : undefined)
          .map((r) => instanceView(r, info)),
      };
    },
  );

  api.get(
    '/metrics',
    {
      schema: {
        summary:
          'cost so far, savings against on-demand, preemptions and recoveries: in total and per job',
        response: { 200: metricsSchema, 401: problemSchema },
      },
    },
    async () => {
      const r = costReport(store);
      return {
        ...r,
        totals: { ...r.totals, savingsPct: undef(r.totals.savingsPct) },
        jobs: [...r.jobs],
      };
    },
  );

  api.get(
    '/costs',
    {
      schema: {
        summary: 'the bill over time: samples of the totals since a time of the run',
        querystring: costsQuery,
        response: { 200: costsSchema, ...errors },
      },
    },
    async (req) => {
      const fix = (t: ReturnType<typeof latestCosts>) => ({
        ...t,
        savingsPct: undef(t.savingsPct),
      });
      return {
        latest: fix(latestCosts(store)),
        samples: costSamples(store, req.query.since).map(fix),
      };
    },
  );

  api.get(
    '/server',
    {
      schema: {
        summary: "the server's clock and instance types (409 for a run no server wrote)",
        response: { 200: serverSchema, 401: problemSchema, 409: problemSchema },
      },
    },
    async (req, reply) => {
      const info = serverInfo(ctx);
      if (info === undefined) {
        return sendProblem(reply, problem(req, 409, "this run is not a server's (synkti serve)"));
      }
      return { nowSeconds: undef(serverNow(ctx)), ...info, instanceTypes: [...info.instanceTypes] };
    },
  );
}
