/** Errors as RFC 9457 problem details (`application/problem+json`). */

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { Problem } from './schemas.js';

const TITLES: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  404: 'Not Found',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
};

/** A problem document for `status`. */
export function problem(
  req: FastifyRequest,
  status: number,
  detail: string,
  errors?: Problem['errors'],
): Problem {
  return {
    type: `https://synkti.dev/problems/${status}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    instance: req.url.split('?')[0] as string,
    ...(errors ? { errors } : {}),
  };
}

/** Sends `p` with its status and media type. */
export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p);
}

/** Fastify's errors as problems: invalid input is 422 with each field's path. */
export function errorHandler(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext === 'querystring' ? 'query' : error.validationContext;
    const errors = error.validation.map((v) => ({
      path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    return sendProblem(
      reply,
      problem(req, 422, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors),
    );
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return sendProblem(reply, problem(req, 413, error.message));
  }
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) req.log.error(error);
  return sendProblem(
    reply,
    problem(req, status, status === 500 ? 'internal error' : error.message),
  );
}
