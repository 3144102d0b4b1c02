/**
 * Where the spot traces live. They are third-party data (SkyPilot's spot-traces repository, from
 * the Can't Be Late paper): the project commits no copy, and finds them through a directory.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';

/** The repository root (four levels above this file's folder). */
export const REPOSITORY_ROOT = path.resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../../..',
);

/** Default trace directory, relative to the repository root. */
export const DEFAULT_TRACES_DIR = '../shared/data/spot-traces';

/**
 * The trace directory: `--traces-dir` if given, else the `SYNKTI_TRACES_DIR` environment
 * variable, else {@link DEFAULT_TRACES_DIR} relative to the repository root.
 */
export function resolveTracesDir(
  cliValue: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { dir: string; from: '--traces-dir' | 'SYNKTI_TRACES_DIR' | 'default' } {
  if (cliValue) return { dir: path.resolve(cliValue), from: '--traces-dir' };
  const fromEnv = env['SYNKTI_TRACES_DIR'];
  if (fromEnv) return { dir: path.resolve(fromEnv), from: 'SYNKTI_TRACES_DIR' };
  return { dir: path.resolve(REPOSITORY_ROOT, DEFAULT_TRACES_DIR), from: 'default' };
}

/**
 * The absolute path of `relative` inside the trace directory.
 * @throws InputError, before anything is read, when the path is absolute or leaves the trace
 * directory; when the file is missing, saying where traces are looked for and how to fix it.
 */
export function traceFile(
  relative: string,
  traces: ReturnType<typeof resolveTracesDir>,
  referencedFrom: string,
): string {
  const full = path.resolve(traces.dir, relative);
  const inside = path.relative(traces.dir, full);
  if (path.isAbsolute(relative) || inside.startsWith('..') || path.isAbsolute(inside)) {
    throw new InputError(
      `${referencedFrom}: trace "${relative}": expected a path inside the trace directory ` +
        `(relative, without leaving it through ".."), got one outside ${traces.dir}`,
    );
  }
  if (!existsSync(full)) {
    throw new InputError(
      `${referencedFrom}: trace "${relative}" not found in ${traces.dir} (trace directory from ` +
        `${traces.from}). Clone SkyPilot's public spot-traces repository and pass ` +
        '--traces-dir <its path>, or set SYNKTI_TRACES_DIR.',
    );
  }
  return full;
}
