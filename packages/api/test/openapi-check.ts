/**
 * Checks responses against the API's published OpenAPI document with an independent validator
 * (ajv, JSON Schema 2020-12): the document's component references become the compiled schema's
 * definitions.
 */

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

interface Doc {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: { schemas: Record<string, object> };
}

/** A checker of `app`'s responses against its document. */
export async function openApiChecker(app: FastifyInstance) {
  const doc = (await app.inject({ url: '/openapi.json' })).json() as Doc;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const local = (v: unknown) =>
    JSON.parse(JSON.stringify(v).replaceAll('"#/components/schemas/', '"#/$defs/')) as object;
  const defs = local(doc.components.schemas);
  /** Checks `body` against the document's schema for `route`'s `status` response. */
  return (route: string, status: number, body: unknown, method = 'get'): void => {
    const response = doc.paths[route]?.[method]?.responses[String(status)];
    expect(response, `${method} ${route} ${status}: not in the OpenAPI document`).toBeDefined();
    const media = response?.content ?? {};
    const schema = (media['application/json'] ?? media['application/problem+json'])?.schema;
    expect(schema, `${method} ${route} ${status}: no schema`).toBeDefined();
    const validate = ajv.compile({ ...local(schema), $defs: defs });
    const ok = validate(body);
    expect(ok, `${method} ${route} ${status}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  };
}
