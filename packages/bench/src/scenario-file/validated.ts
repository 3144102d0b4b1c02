/**
 * Input files checked against a zod schema, with errors that say exactly what is wrong: the
 * file, the field path, what was expected and what was found (exit 2 before anything runs).
 * Scenario files use it (load.ts), and so does every other configuration file the CLI reads
 * (the AWS provider's, for one), so that all of them fail the same way.
 */

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.js';

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function pathString(p: readonly PropertyKey[]): string {
  return (
    p
      .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
      .join('') || '(top level)'
  );
}

function valueAt(root: unknown, p: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of p)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** Formats zod's first issue as `<file>: <path>: expected …, got …`. */
export function schemaError(
  file: string,
  error: z.ZodError,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): InputError {
  const issue = error.issues[0] as z.core.$ZodIssue;
  const p = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    return new InputError(
      `${file}: ${pathString(p)}: unknown field ${keys} (a typo?); remove it or check the spelling`,
    );
  }
  let expected = issue.message;
  if (issue.code === 'invalid_value')
    expected = issue.values.map((v) => JSON.stringify(v)).join(' or ');
  if (
    issue.code === 'invalid_union' &&
    'note' in issue &&
    issue.note === 'No matching discriminator'
  ) {
    expected = 'a known "kind"/"dist" value';
  }
  return new InputError(
    `${file}: ${pathString(p)}: expected ${expected}, got ${describe(valueAt(input, issue.path))}`,
  );
}

export function parseText(file: string, text: string): unknown {
  const yaml = /\.ya?ml$/i.test(file);
  try {
    return yaml ? parseYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `${file}: not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
    );
  }
}

/** Keys that would write through to Object.prototype if assigned: never swept nor passed. */
export const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuses `__proto__`, `constructor` and `prototype` as keys anywhere in a file: parsed JSON
 * holds them as own keys, and copying such an object sets a prototype instead (a policy
 * parameter would then be read through it).
 */
export function checkKeys(value: unknown, file: string, at: readonly PropertyKey[]): void {
  if (value === null || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    const here = [...at, Array.isArray(value) ? Number(key) : key];
    if (FORBIDDEN_KEYS.has(key)) {
      throw new InputError(`${file}: ${pathString(here)}: "${key}" is not allowed as a key`);
    }
    checkKeys((value as Record<string, unknown>)[key], file, here);
  }
}

/**
 * Reads `file` (JSON, or YAML by its extension, holding the `what`) and parses it, refusing
 * prototype keys. @throws InputError naming the file and what is wrong.
 */
export function readInput(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(
      `${file}: cannot read the ${what} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const raw = parseText(file, text);
  checkKeys(raw, file, []);
  return raw;
}

/**
 * Reads `file` (as {@link readInput}) and checks it against `schema`.
 * @throws InputError naming the file, the field path, what was expected and what was found.
 */
export function readValidated<S extends z.ZodType>(
  file: string,
  schema: S,
  what = 'file',
): z.infer<S> {
  const raw = readInput(file, what);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw schemaError(file, parsed.error, raw);
  return parsed.data;
}
