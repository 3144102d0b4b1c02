/**
 * User-written policies for sweeps and live runs (`--policy-module FILE`, repeatable). A policy
 * module is an ES module (JavaScript, or TypeScript when run through tsx) whose default export
 * maps policy names to factories — a function `(params) => SchedulingPolicy`, or
 * `{ factory, params: [names of the parameters it accepts] }`:
 *
 * ```js
 * export default {
 *   'my-policy': (params) => ({ name: 'my-policy', decide(view) { … } }),
 * };
 * ```
 *
 * The main thread imports it and registers each entry with `@synkti/policies`' registry, so a
 * scenario file can name the policy; every sweep worker imports the same files before its
 * first run and registers them in its own registry (a worker is a separate module graph, so a
 * module that called `registerPolicy` itself would register into the wrong one).
 */

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type PolicyFactory, registerPolicy } from '@synkti/policies';
import { InputError } from '../errors.js';

/** One entry of a policy module's default export. */
export type PolicyModuleEntry =
  | PolicyFactory
  | { readonly factory: PolicyFactory; readonly params?: readonly string[] };

const describe = (v: unknown) =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'an array'
      : typeof v === 'object'
        ? 'an object'
        : typeof v;

/**
 * Imports the policy modules `files` and registers their policies (in this thread's registry).
 * Resolves to the names registered.
 * @throws InputError naming the file, the field and what was expected and found.
 */
export async function importPolicyModules(files: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  for (const file of files) {
    const url = pathToFileURL(path.resolve(file)).href;
    let mod: { default?: unknown };
    try {
      mod = (await import(url)) as { default?: unknown };
    } catch (error) {
      throw new InputError(
        `--policy-module ${file}: cannot import it (${(error as Error).message})`,
      );
    }
    const entries = mod.default;
    if (entries === null || typeof entries !== 'object' || Array.isArray(entries)) {
      throw new InputError(
        `--policy-module ${file}: default export: expected an object of policy name → factory, got ${describe(entries)}`,
      );
    }
    for (const [name, entry] of Object.entries(entries as Record<string, unknown>)) {
      const factory =
        typeof entry === 'function' ? entry : (entry as { factory?: unknown } | null)?.factory;
      const params =
        typeof entry === 'function' ? [] : ((entry as { params?: unknown }).params ?? []);
      if (typeof factory !== 'function') {
        throw new InputError(
          `--policy-module ${file}: default.${name}: expected a factory (params) => policy or {factory, params}, got ${describe(entry)}`,
        );
      }
      if (!Array.isArray(params) || params.some((p) => typeof p !== 'string')) {
        throw new InputError(
          `--policy-module ${file}: default.${name}.params: expected a list of parameter names, got ${describe(params)}`,
        );
      }
      try {
        registerPolicy(name, factory as PolicyFactory, params as string[]);
      } catch (error) {
        throw new InputError(
          `--policy-module ${file}: default.${name}: ${(error as Error).message}`,
        );
      }
      names.push(name);
    }
  }
  return names;
}
