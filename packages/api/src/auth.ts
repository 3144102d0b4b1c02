/**
 * Who may use the API (live.md): a client with the state directory's token (token.ts), as a
 * bearer header — the CLI; or a browser with a session cookie, which it gets once through a
 * one-time login URL that `synkti dashboard` asks for with the token.
 *
 * - A login code is 128 random bits, good for one use within {@link LOGIN_CODE_SECONDS}, kept in
 *   the server's memory (a restarted server forgets it: ask for another).
 * - The session cookie holds its expiry, signed with a key derived from the token (HMAC, by
 *   @fastify/cookie): no session table, and a new token ends every session. It is HttpOnly,
 *   SameSite=Strict and Path=/, and it lasts {@link SESSION_SECONDS}.
 * - A cookie is accepted for reading only (GET): changes (POST, DELETE) need the bearer token,
 *   so a page elsewhere cannot make a logged-in browser submit or cancel.
 */

import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerMatches } from './token.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'synkti_session';
/** How long a session lasts, seconds. */
export const SESSION_SECONDS = 12 * 3600;
/** How long a login code is good for, seconds. */
export const LOGIN_CODE_SECONDS = 300;

/** The key sessions are signed with: derived from the token (never the token itself). */
export function sessionKey(token: string): string {
  return createHmac('sha256', token).update('synkti dashboard session').digest('hex');
}

/** One-time login codes. */
export class LoginCodes {
  readonly #codes = new Map<string, number>();

  /** A new code, good until `nowMs` + {@link LOGIN_CODE_SECONDS}. */
  issue(nowMs = Date.now()): string {
    for (const [c, until] of this.#codes) if (until < nowMs) this.#codes.delete(c);
    const code = randomBytes(16).toString('hex');
    this.#codes.set(code, nowMs + LOGIN_CODE_SECONDS * 1000);
    return code;
  }

  /** Whether `code` is good now; it is used up either way. */
  redeem(code: string, nowMs = Date.now()): boolean {
    const until = this.#codes.get(code);
    this.#codes.delete(code);
    return until !== undefined && until >= nowMs;
  }
}

/** Sets a new session cookie on `reply`. */
export function startSession(reply: FastifyReply, nowMs = Date.now()): void {
  const expires = nowMs + SESSION_SECONDS * 1000;
  reply.setCookie(SESSION_COOKIE, String(expires), {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    expires: new Date(expires),
  });
}

/** Whether `req` carries a good session cookie. */
export function hasSession(req: FastifyRequest, nowMs = Date.now()): boolean {
  const raw = req.cookies[SESSION_COOKIE];
  if (raw === undefined) return false;
  const { valid, value } = req.unsignCookie(raw);
  return valid && value !== null && Number(value) > nowMs;
}

/** How `req` is allowed: by the token, by a session (reads only), or not. */
export function authorized(req: FastifyRequest, token: string): 'token' | 'session' | false {
  if (bearerMatches(req.headers.authorization, token)) return 'token';
  if ((req.method === 'GET' || req.method === 'HEAD') && hasSession(req)) return 'session';
  return false;
}
