import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario-file/load.js';
import { ROOT, tempDir } from '../fixtures/cli.js';

/** scenarios/ci.json with `seeds` replaced (or removed when undefined), as a new file. */
function ciWithSeeds(seeds: unknown): string {
  const spec = JSON.parse(readFileSync(path.join(ROOT, 'scenarios/ci.json'), 'utf8'));
  if (seeds === undefined) delete spec.seeds;
  else spec.seeds = seeds;
  const file = path.join(tempDir(), 'ci.json');
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

describe('loadScenario seeds', () => {
  it('a count means seeds 1..N; no seeds means 10', () => {
    expect(loadScenario(ciWithSeeds(3)).seeds).toEqual([1, 2, 3]);
    expect(loadScenario(ciWithSeeds(undefined)).seeds).toHaveLength(10);
  });

  it('an explicit list is kept as written', () => {
    expect(loadScenario(ciWithSeeds([7, 'x', 3])).seeds).toEqual([7, 'x', 3]);
  });

  it('--seeds N overrides both', () => {
    expect(loadScenario(ciWithSeeds([7, 'x']), { seeds: 2 }).seeds).toEqual([1, 2]);
    expect(loadScenario(ciWithSeeds(5), { seeds: 2 }).seeds).toEqual([1, 2]);
  });
});
