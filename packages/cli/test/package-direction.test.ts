/**
 * The packages' import direction (docs/architecture.md): cli → {api, bench}; api → orchestrator
 * → {policies, sim-core}; bench → policies → sim-core. A package's source imports only packages
 * below it, by name, and never reaches into another package by a relative path.
 */

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGES = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** What each package's source may import of the others. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  'sim-core': [],
  policies: ['sim-core'],
  bench: ['policies', 'sim-core'],
  orchestrator: ['policies', 'sim-core'],
  api: ['orchestrator', 'policies', 'sim-core'],
  cli: ['api', 'bench', 'orchestrator', 'policies', 'sim-core'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

describe('package import direction', () => {
  it('every package imports only the packages below it, by name', () => {
    expect(readdirSync(PACKAGES).sort()).toEqual(Object.keys(MAY_IMPORT).sort());
    const wrong: string[] = [];
    for (const [pkg, allowed] of Object.entries(MAY_IMPORT)) {
      const src = path.join(PACKAGES, pkg, 'src');
      for (const file of sources(src)) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/from '(@synkti\/[^']+|\.[^']*)'/g)) {
          const spec = m[1] as string;
          const where = `${path.relative(PACKAGES, file)} imports ${spec}`;
          if (spec.startsWith('@synkti/')) {
            if (!allowed.includes(spec.slice('@synkti/'.length))) wrong.push(where);
          } else if (!path.resolve(path.dirname(file), spec).startsWith(src)) {
            wrong.push(where);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
