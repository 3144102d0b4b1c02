/**
 * The emulated cloud's instance metadata service: for each instance an IMDSv2-compatible
 * endpoint, as EC2 serves one at 169.254.169.254 (live.md). The emulator serves every instance
 * from one loopback server under `/imds/<instance id>/<instance secret>/`; that base URL is the
 * instance's `imdsUrl`, so an agent uses the EC2 paths unchanged below it, and knowing one
 * instance's URL does not give another's metadata. The secret is a random 256-bit value (a
 * credential, not a simulation draw, so not from a seeded stream).
 *
 * IMDSv2 only, as a hardened EC2 instance: `PUT latest/api/token` with
 * `X-aws-ec2-metadata-token-ttl-seconds` (1–21600) returns a session token, and every `GET`
 * needs it in `X-aws-ec2-metadata-token` (401 without or with an expired one). Served:
 * `latest/meta-data/instance-id`, `latest/meta-data/spot/instance-action` (404 until the
 * interruption notice, then `{"action":"terminate","time":"…Z"}`), and
 * `latest/meta-data/events/recommendations/rebalance` (404 until the instance's rebalance
 * recommendation, then `{"noticeTime":"…Z"}`).
 * Times are the cloud clock's seconds after `epochMs`.
 */

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { EmulatedCloud } from './emulated-cloud.js';

/** Largest session-token lifetime EC2 accepts, seconds. */
export const MAX_TOKEN_TTL_SECONDS = 21_600;

/** The metadata service of `cloud`'s instances, on `app`. */
export class Imds {
  readonly #secrets = new Map<string, Buffer>();
  /** Session tokens: token → (instance, expiry in the cloud's seconds). */
  readonly #tokens = new Map<string, { instance: string; expiresAt: number }>();

  constructor(
    readonly cloud: EmulatedCloud,
    /** Wall time of the cloud's time 0, ms since the epoch (for the notice's ISO time). */
    readonly epochMs: number,
  ) {}

  /** The base URL of a (new) instance's endpoint under `serverUrl`. */
  urlFor(serverUrl: string, instanceId: string): string {
    let secret = this.#secrets.get(instanceId);
    if (secret === undefined) {
      secret = randomBytes(32);
      this.#secrets.set(instanceId, secret);
    }
    return `${serverUrl}/imds/${instanceId}/${secret.toString('hex')}`;
  }

  #known(instanceId: string, secretHex: string): boolean {
    const secret = this.#secrets.get(instanceId);
    const given = Buffer.from(secretHex, 'hex');
    return secret !== undefined && given.length === secret.length && timingSafeEqual(given, secret);
  }

  /** Registers the routes (no bearer token: the URL's secret and the session token guard them). */
  /** The cloud's time `t` (seconds) as EC2 writes times: ISO 8601 to the second, UTC. */
  #time(t: number): string {
    return new Date(this.epochMs + t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  register(app: FastifyInstance): void {
    type P = { id: string; secret: string };
    const now = () => this.cloud.clock.now();
    app.put<{ Params: P }>('/imds/:id/:secret/latest/api/token', async (req, reply) => {
      if (!this.#known(req.params.id, req.params.secret)) return reply.code(404).send('Not Found');
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds']);
      if (!(Number.isInteger(ttl) && ttl >= 1 && ttl <= MAX_TOKEN_TTL_SECONDS)) {
        return reply.code(400).send('Bad Request');
      }
      const token = randomBytes(24).toString('base64url');
      // The TTL is in the cloud's seconds (on the scaled clock, simulated time).
      this.#tokens.set(token, { instance: req.params.id, expiresAt: now() + ttl });
      return reply.type('text/plain').send(token);
    });
    const guard = (req: { params: P; headers: Record<string, unknown> }): number => {
      if (!this.#known(req.params.id, req.params.secret)) return 404;
      const token = this.#tokens.get(String(req.headers['x-aws-ec2-metadata-token'] ?? ''));
      if (token === undefined || token.instance !== req.params.id || token.expiresAt < now()) {
        return 401;
      }
      return 200;
    };
    app.get<{ Params: P }>('/imds/:id/:secret/latest/meta-data/instance-id', async (req, reply) => {
      const code = guard(req);
      return code === 200 ? reply.type('text/plain').send(req.params.id) : reply.code(code).send();
    });
    app.get<{ Params: P }>(
      '/imds/:id/:secret/latest/meta-data/spot/instance-action',
      async (req, reply) => {
        const code = guard(req);
        if (code !== 200) return reply.code(code).send();
        const e = this.cloud.entry(req.params.id);
        if (e?.noticedAt === undefined) return reply.code(404).send('Not Found');
        const terminateAt = e.noticedAt + this.cloud.resolved.gracePeriodSeconds;
        return reply.send({
          action: 'terminate',
          time: this.#time(terminateAt),
        });
      },
    );
    app.get<{ Params: P }>(
      '/imds/:id/:secret/latest/meta-data/events/recommendations/rebalance',
      async (req, reply) => {
        const code = guard(req);
        if (code !== 200) return reply.code(code).send();
        const at = this.cloud.entry(req.params.id)?.rebalanceAt;
        if (at === undefined) return reply.code(404).send('Not Found');
        return reply.send({ noticeTime: this.#time(at) });
      },
    );
  }
}
