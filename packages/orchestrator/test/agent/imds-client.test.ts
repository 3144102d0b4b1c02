/**
 * The agent's IMDSv2 client avoids the SDK's IMDS traps (live mode II): it never makes a request
 * without a session token (no silent IMDSv1 fallback, even when the token request fails), reuses
 * the token within its lifetime, and joins paths without a leading slash (a base URL ending in
 * "/" does not give "//").
 */

import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ImdsClient, TOKEN_TTL_SECONDS } from '../../src/agent/imds-client.js';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly token: string | undefined;
  readonly ttl: string | undefined;
}

let server: Server | undefined;
afterEach(() => {
  server?.close();
  server = undefined;
});

/** A metadata service that records every request; `answer` decides the response. */
async function imds(
  answer: (req: IncomingMessage, seen: Seen[]) => { status: number; body?: string },
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    const s: Seen = {
      method: req.method ?? '',
      url: req.url ?? '',
      token: req.headers['x-aws-ec2-metadata-token'] as string | undefined,
      ttl: req.headers['x-aws-ec2-metadata-token-ttl-seconds'] as string | undefined,
    };
    seen.push(s);
    const a = answer(req, seen);
    res.writeHead(a.status).end(a.body ?? '');
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

const v2 = (req: IncomingMessage) => {
  if (req.method === 'PUT') return { status: 200, body: 'tok-1' };
  if (req.headers['x-aws-ec2-metadata-token'] !== 'tok-1') return { status: 401 };
  if (req.url?.endsWith('instance-id')) return { status: 200, body: 'i-0abc' };
  if (req.url?.endsWith('instance-action'))
    return { status: 200, body: '{"action":"terminate","time":"2026-11-30T12:02:00Z"}' };
  return { status: 404 };
};

describe('ImdsClient', () => {
  it('asks for one token, with the longest TTL, and reuses it', async () => {
    const { url, seen } = await imds(v2);
    const c = new ImdsClient(url);
    expect(await c.instanceId()).toBe('i-0abc');
    expect(await c.instanceAction()).toEqual({ action: 'terminate', time: '2026-11-30T12:02:00Z' });
    expect(await c.rebalance()).toBeUndefined(); // 404: none
    const puts = seen.filter((s) => s.method === 'PUT');
    expect(puts).toEqual([
      { method: 'PUT', url: '/latest/api/token', token: undefined, ttl: String(TOKEN_TTL_SECONDS) },
    ]);
    expect(seen.filter((s) => s.method === 'GET').every((s) => s.token === 'tok-1')).toBe(true);
  });

  it('joins paths without a leading slash: no "//" after a base URL ending in "/"', async () => {
    const { url, seen } = await imds(v2);
    await new ImdsClient(`${url}/imds/i-0abc/`).instanceId();
    expect(seen.map((s) => s.url)).toEqual([
      '/imds/i-0abc/latest/api/token',
      '/imds/i-0abc/latest/meta-data/instance-id',
    ]);
  });

  it('never falls back to IMDSv1: a refused token request is an error, not a tokenless GET', async () => {
    const { url, seen } = await imds((req) =>
      req.method === 'PUT' ? { status: 403 } : { status: 200, body: 'i-v1' },
    );
    await expect(new ImdsClient(url).instanceId()).rejects.toThrow('IMDS token: HTTP 403');
    expect(seen.every((s) => s.method === 'PUT')).toBe(true);
  });

  it('an expired token (401) gets one new token and one retry, still with a token', async () => {
    let tokens = 0;
    const { url, seen } = await imds((req) => {
      if (req.method === 'PUT') return { status: 200, body: `tok-${++tokens}` };
      return req.headers['x-aws-ec2-metadata-token'] === 'tok-2'
        ? { status: 200, body: 'i-0abc' }
        : { status: 401 };
    });
    expect(await new ImdsClient(url).instanceId()).toBe('i-0abc');
    expect(seen.map((s) => `${s.method} ${s.token ?? '-'}`)).toEqual([
      'PUT -',
      'GET tok-1',
      'PUT -',
      'GET tok-2',
    ]);
  });
});
