import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The bench is laid out by pipeline stage (docs/architecture.md): a folder imports only the
 * folders of earlier stages, and its own. `errors.ts` is shared by all; `validation/` stands
 * beside the pipeline (validate:cbl) and may read any stage.
 */
const STAGES = ['scenario-file', 'sweep', 'results', 'report', 'cli'];
const SRC = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

const stageOf = (file: string) => path.relative(SRC, file).split(path.sep)[0] as string;

describe('bench source layout', () => {
  it('every stage folder imports only itself and earlier stages', () => {
    const backwards: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const from = STAGES.indexOf(stageOf(file));
      if (from < 0) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = path.resolve(path.dirname(file), m[1] as string);
        const to = STAGES.indexOf(stageOf(target));
        if (to > from) backwards.push(`${path.relative(SRC, file)} imports ${m[1]}`);
      }
    }
    expect(backwards).toEqual([]);
  });

  it('no file at the top of src/ but the barrel and the shared errors', () => {
    const top = readdirSync(SRC).filter((f) => f.endsWith('.ts'));
    expect(top.sort()).toEqual(['errors.ts', 'index.ts']);
  });
});
