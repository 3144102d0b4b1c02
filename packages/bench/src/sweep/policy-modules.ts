/**
 * User-written policies for sweeps and live runs (`--policy-module FILE`, repeatable; JavaScript,
 * or TypeScript through the loader the bench runs under). A policy module's default export is
 * one policy, or a list of them:
 *
 * ```js
 * export default {
 *   name: 'my-policy',
 *   create: (params) => ({ name: 'my-policy', decide(view) { … } }),
 *   params: ['threshold'], // optional: the parameters `create` accepts (others are refused)
 * };
 * ```
 *
 * The main thread imports it and registers each policy with `@synkti/policies`' registry, so a
 * scenario file can name it; every sweep worker imports the same files before its first run and
 * registers them in its own registry (a worker is a separate module graph, so a module that
 * called `registerPolicy` itself would register into the wrong one).
 */

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type PolicyFactory, registerPolicy } from '@synkti/policies';
import { InputError } from '../errors.js';

/**
 * The URL of tsx's ESM API (`tsx/esm/api`), which lets any thread import TypeScript; undefined
 * where tsx is not installed (a built bench run with plain node: JavaScript modules only). The
 * main thread resolves it and hands it to the workers, whose bundled code cannot resolve it.
 */
export function typeScriptLoader(): string | undefined {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return undefined;
  }
}

let registered = false;

async function registerTypeScript(
  loader: string | undefined,
  files: readonly string[],
): Promise<void> {
  if (registered) return;
  const ts = files.find((f) => /\.[cm]?ts$/.test(f));
  if (loader === undefined) {
    throw new InputError(
      `--policy-module ${ts}: a TypeScript module needs tsx (npm install tsx), or compile it to JavaScript`,
    );
  }
  const { register } = (await import(loader)) as { register: () => unknown };
  register();
  registered = true;
}

/** A policy module's default export (or one entry of a list of them). */
export interface PolicyModuleEntry {
  /** The name scenario files and `--policy` use. */
  readonly name: string;
  /** Makes the policy from its parameters (`{}` when none are given). */
  readonly create: PolicyFactory;
  /** The parameter names `create` accepts; any other is refused. Default: none. */
  readonly params?: readonly string[];
}

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
export async function importPolicyModules(
  files: readonly string[],
  /** tsx's ESM API module (see {@link typeScriptLoader}), registered before a `.ts` module. */
  tsLoader: string | undefined = typeScriptLoader(),
): Promise<string[]> {
  const names: string[] = [];
  if (files.some((f) => /\.[cm]?ts$/.test(f))) await registerTypeScript(tsLoader, files);
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
    const exported = mod.default;
    const list = Array.isArray(exported) ? exported : [exported];
    for (const [k, entry] of list.entries()) {
      const at = Array.isArray(exported) ? `default[${k}]` : 'default';
      const e = entry as Partial<Record<keyof PolicyModuleEntry, unknown>> | null;
      if (e === null || typeof e !== 'object' || Array.isArray(e)) {
        throw new InputError(
          `--policy-module ${file}: ${at}: expected { name, create(params) }, got ${describe(entry)}`,
        );
      }
      if (typeof e.name !== 'string' || e.name.length === 0) {
        throw new InputError(
          `--policy-module ${file}: ${at}.name: expected a non-empty string, got ${describe(e.name)}`,
        );
      }
      if (typeof e.create !== 'function') {
        throw new InputError(
          `--policy-module ${file}: ${at}.create: expected a function (params) => policy, got ${describe(e.create)}`,
        );
      }
      const params = e.params ?? [];
      if (!Array.isArray(params) || params.some((p) => typeof p !== 'string')) {
        throw new InputError(
          `--policy-module ${file}: ${at}.params: expected a list of parameter names, got ${describe(params)}`,
        );
      }
      try {
        registerPolicy(e.name, e.create as PolicyFactory, params as string[]);
      } catch (error) {
        throw new InputError(`--policy-module ${file}: ${at}.name: ${(error as Error).message}`);
      }
      names.push(e.name);
    }
  }
  return names;
}
