import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { scenarioFileSchema } from '../../src/scenario-file/schema.js';
import { ROOT } from '../fixtures/cli.js';

/** Every object key anywhere in a zod (v4) schema. */
function keys(schema: z.ZodType, out = new Set<string>()): Set<string> {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  switch (def['type']) {
    case 'object':
      for (const [k, v] of Object.entries(def['shape'] as Record<string, z.ZodType>)) {
        out.add(k);
        keys(v, out);
      }
      break;
    case 'optional':
    case 'nullable':
    case 'default':
      keys(def['innerType'] as z.ZodType, out);
      break;
    case 'union':
      for (const o of def['options'] as z.ZodType[]) keys(o, out);
      break;
    case 'array':
      keys(def['element'] as z.ZodType, out);
      break;
    case 'record':
      keys(def['valueType'] as z.ZodType, out);
      break;
    case 'pipe':
      keys(def['in'] as z.ZodType, out);
      break;
    default:
      break;
  }
  return out;
}

describe('docs/scenarios.md', () => {
  it('documents every key of the scenario-file schema (so the two cannot drift)', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/scenarios.md'), 'utf8');
    const all = [...keys(scenarioFileSchema)];
    expect(all.length).toBeGreaterThan(50);
    // A key is documented when it appears in a code span as `key`, `x.key`, `key.y` or "key".
    const documented = (k: string) =>
      new RegExp(`\`(?:[\\w.]*\\.)?${k}(?:\\.[\\w.]*)?\`|"${k}"`).test(doc);
    const missing = all.filter((k) => !documented(k));
    expect(missing).toEqual([]);
  });
});
