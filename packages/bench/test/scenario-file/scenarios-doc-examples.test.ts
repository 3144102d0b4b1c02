import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_TRACES, TRACES_DIR } from '../../../../test-support/spot-traces.js';
import { loadScenario } from '../../src/scenario-file/load.js';
import { expandRuns } from '../../src/sweep/runs.js';
import { ROOT } from '../fixtures/cli.js';

/** The worked examples of docs/scenarios.md: every complete file in it loads and expands. */
const doc = readFileSync(path.join(ROOT, 'docs/scenarios.md'), 'utf8');
const examples = [
  ...doc.slice(doc.indexOf('## Worked examples')).matchAll(/```json\n([\s\S]*?)```/g),
].map((m) => JSON.parse(m[1] as string) as { name: string; scenario: unknown });

describe('docs/scenarios.md worked examples', () => {
  it('has them', () => expect(examples.length).toBeGreaterThanOrEqual(3));
  for (const example of examples) {
    const usesTraces = JSON.stringify(example).includes('"kind":"trace"');
    it.skipIf(usesTraces && !HAVE_TRACES)(example.name, () => {
      const file = path.join(
        mkdtempSync(path.join(os.tmpdir(), 'synkti-doc-')),
        `${example.name}.json`,
      );
      writeFileSync(file, JSON.stringify(example));
      const loaded = loadScenario(file, { tracesDir: TRACES_DIR, warn: () => {} });
      expect(expandRuns([loaded]).runs.length).toBeGreaterThan(0);
    });
  }
});
