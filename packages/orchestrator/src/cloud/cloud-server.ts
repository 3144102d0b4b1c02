/**
 * The emulated cloud in its own process (`synkti cloud`): an {@link EmulatedCloud} served over
 * HTTP on loopback, so that killing the orchestrator does not kill the cloud — as on AWS. Every
 * request carries the cloud's secret as a bearer token (compared in constant time); errors are
 * JSON `{kind, message}` with the status the client maps back to a typed cloud error (409
 * capacity, 400 permanent).
 */

import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { ScaledClock } from '../clock.js';
import type { AgentHost } from './agent-host.js';
import type { EmulatedCloud } from './emulated-cloud.js';
import { Imds } from './imds.js';
import {
  type AgentEndpoint,
  CapacityError,
  type CloudInstance,
  type CloudLaunchRequest,
  PermanentCloudError,
} from './provider.js';

/** How often a served cloud on the scaled clock carries out what has fallen due, wall ms. */
export const TICK_MS = 10;

/** A running cloud server. */
export interface CloudServer {
  readonly url: string;
  close(): Promise<void>;
}

function sameSecret(given: string | undefined, secret: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(`Bearer ${secret}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Serves `cloud` on `host:port` (port 0: any free port). */
export async function startCloudServer(
  cloud: EmulatedCloud,
  options: {
    readonly secret: string;
    readonly host?: string;
    readonly port?: number;
    /** Wall time of the cloud's time 0, ms since the epoch. Default: now. */
    readonly epochMs?: number;
    /** Runs an agent per instance (agent-host.ts); none: instances run nothing. */
    readonly agents?: AgentHost;
  },
): Promise<CloudServer> {
  const app: FastifyInstance = Fastify({ bodyLimit: 64 * 1024 });
  const imds = new Imds(cloud, options.epochMs ?? Date.now());
  let serverUrl = '';
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/imds/')) return; // the instance's URL secret and IMDS token guard it
    if (!sameSecret(req.headers.authorization, options.secret)) {
      await reply.code(401).send({ kind: 'permanent', message: 'missing or wrong cloud secret' });
    }
  });
  app.setErrorHandler(async (error, _req, reply) => {
    if (error instanceof CapacityError) {
      return reply.code(409).send({
        kind: 'capacity',
        message: error.message,
        // Omitted when unknown; a market that never returns (Infinity) goes as null.
        ...(error.availableAt !== undefined ? { availableAt: error.availableAt } : {}),
      });
    }
    if (error instanceof PermanentCloudError || error instanceof RangeError) {
      return reply.code(400).send({ kind: 'permanent', message: error.message });
    }
    return reply.code(500).send({ kind: 'transient', message: (error as Error).message });
  });
  imds.register(app);
  const agents = options.agents;
  const endpoints = new Map<string, AgentEndpoint | 'starting'>();
  // An ended instance's agent stops with it. On the virtual clock, when time moves past the
  // termination: time stands still until the orchestrator moves it, and at the termination's
  // instant the orchestrator's own work (a detection due then, with no grace period) comes
  // first, as in simulate's event order.
  const doomed: { readonly at: number; readonly id: string }[] = [];
  cloud.onEvent((e) => {
    if (!agents || e.kind !== 'state' || e.state !== 'terminated') return;
    if (cloud.clockKind === 'virtual') doomed.push({ at: e.at, id: e.instanceId });
    else void agents.stop(e.instanceId);
  });
  const stopBefore = (t: number): void => {
    while (doomed.length > 0 && (doomed[0] as { at: number }).at < t) {
      void agents?.stop((doomed.shift() as { id: string }).id);
    }
  };
  const described = (inst: CloudInstance): CloudInstance => {
    const agent = endpoints.get(inst.id);
    return { ...inst, imdsUrl: imds.urlFor(serverUrl, inst.id), ...(agent ? { agent } : {}) };
  };
  app.post('/launch', async (req) => {
    const inst = cloud.launchNow(req.body as CloudLaunchRequest);
    if (agents && !endpoints.has(inst.id)) {
      // An instance whose agent never serves failed to boot: it is not left running.
      const failed = (error: unknown) => {
        endpoints.delete(inst.id);
        cloud.terminateNow(inst.id);
        return new PermanentCloudError(`${inst.id} failed to boot: ${(error as Error).message}`);
      };
      const started = agents.start(inst.id, imds.urlFor(serverUrl, inst.id));
      endpoints.set(inst.id, 'starting');
      if (cloud.clockKind === 'virtual') {
        // Time waits on the virtual clock: the launch returns with the agent serving.
        endpoints.set(inst.id, await started.catch((e) => Promise.reject(failed(e))));
      } else {
        // On the scaled clock the agent starts as the instance boots, in the background.
        started.then(
          (endpoint) => endpoints.get(inst.id) === 'starting' && endpoints.set(inst.id, endpoint),
          (e) => failed(e),
        );
      }
    }
    return described(inst);
  });
  app.post('/terminate', async (req, reply) => {
    cloud.terminateNow((req.body as { instanceId: string }).instanceId);
    return reply.code(204).send();
  });
  app.get('/describe', async () => cloud.describeNow().map(described));
  // A spot market that never returns (spotAvailableAt Infinity) goes as null: JSON has no
  // Infinity. HttpCloud's `timeOrNever` reads it back.
  app.get('/markets', async () => Object.fromEntries(cloud.marketsNow()));
  app.get('/clock', async () => {
    // A paused scaled clock starts when the orchestrator first asks the time.
    if (cloud.clock instanceof ScaledClock) cloud.clock.start();
    return {
      kind: cloud.clockKind,
      now: cloud.clock.now(),
      next: cloud.nextEventAtNow() ?? null,
    };
  });
  app.post('/advance', async (req) => {
    if (cloud.clockKind !== 'virtual')
      throw new PermanentCloudError('the scaled clock moves itself');
    const to = (req.body as { to: number }).to;
    stopBefore(to);
    cloud.advanceToNow(to);
    return { now: cloud.clock.now() };
  });
  app.get('/events', async (req) =>
    cloud.eventsAfterNow(Number((req.query as { after?: string }).after ?? 0)),
  );
  app.get('/ledger', async (req) => {
    const until = Number((req.query as { until?: string }).until ?? cloud.clock.now());
    return {
      cost: cloud.ledgerCostNow(until),
      instances: cloud.ledger().map((e) => ({
        id: e.id,
        token: e.token,
        type: e.type.name,
        market: e.market,
        launchedAt: e.launchedAt,
        endedAt: e.endedAt ?? null,
      })),
    };
  });
  const url = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  serverUrl = url;
  // On the scaled clock the served cloud moves itself: what falls due happens within
  // TICK_MS of wall time, whether or not anyone is asking.
  const ticker =
    cloud.clockKind === 'scaled'
      ? setInterval(() => cloud.advanceToNow(cloud.clock.now()), TICK_MS)
      : undefined;
  return {
    url,
    close: async () => {
      if (ticker) clearInterval(ticker);
      await app.close();
      await agents?.close();
    },
  };
}
