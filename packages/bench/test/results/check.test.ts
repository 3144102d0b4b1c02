import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { checkAgainstBaseline } from '../../src/results/check.js';
import { tempDir } from '../fixtures/cli.js';

const TOLERANCES = { savingsPctTolerance: 0.5, completionsTolerance: 0.5 };
const HEADER = 'scenario,seed,policy,migration,savings_pct,tasks_completed';

function baseline(lines: string[]): string {
  const file = path.join(tempDir(), 'baseline.csv');
  writeFileSync(file, `${[HEADER, ...lines].join('\n')}\n`);
  return file;
}

describe('checkAgainstBaseline', () => {
  const base = baseline(['s,1,p,optimal,70,10', 's,2,p,optimal,72,10', 's,1,q,optimal,50,9']);

  it('flags a mean below the baseline by more than the tolerance, and reports other moves', () => {
    const current = [HEADER, 's,1,p,optimal,69,10', 's,2,p,optimal,70,10', 's,1,q,optimal,51,9'];
    const { regressions, moves } = checkAgainstBaseline(
      base,
      parse(current.join('\n'), { columns: true }),
      TOLERANCES,
    );
    expect(regressions).toEqual([
      {
        group: 'scenario=s policy=p migration=optimal',
        column: 'savings_pct',
        baseline: 71,
        current: 69.5,
        tolerance: 0.5,
      },
    ]);
    expect(moves.map((m) => [m.group, m.column, m.current])).toEqual([
      ['scenario=s policy=q migration=optimal', 'savings_pct', 51],
    ]);
  });

  it('a baseline group missing from this run is a regression without a current value', () => {
    const current = [HEADER, 's,1,p,optimal,70,10', 's,2,p,optimal,72,10'];
    const { regressions } = checkAgainstBaseline(
      base,
      parse(current.join('\n'), { columns: true }),
      TOLERANCES,
    );
    expect(regressions.map((r) => [r.group, r.column, r.current])).toEqual([
      ['scenario=s policy=q migration=optimal', 'savings_pct', undefined],
      ['scenario=s policy=q migration=optimal', 'tasks_completed', undefined],
    ]);
  });
});
