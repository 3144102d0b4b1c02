import { describe, expect, it } from 'vitest';
import { comparisonCsv } from '../../src/results/comparison-csv.js';
import { runsCsvRecords } from '../../src/results/runs-csv.js';
import { summaryMarkdown } from '../../src/results/summary-md.js';
import { resultTable } from '../../src/results/table.js';
import { undefinedMetrics } from '../../src/sweep/metric-columns.js';
import type { RunRow } from '../../src/sweep/runs.js';

/**
 * Goldens of the derived outputs, from hand-made rows: savings against the baseline of the same
 * seed, the paired planner comparison and the summary, each checked by hand.
 */

let index = 0;
function row(
  seed: number,
  policy: string,
  migration: 'first-fit' | 'optimal',
  cost: number,
  downtime: number,
): RunRow {
  return {
    index: index++,
    key: JSON.stringify([seed, policy, migration]),
    scenario: 's',
    params: {},
    seed,
    policy,
    migration,
    inputsHash: '0123456789abcdef',
    version: '0.1.0',
    metrics: {
      ...undefinedMetrics(),
      total_cost_usd: cost,
      work_hours: 10,
      cost_per_work_hour: cost / 10,
      tasks_completed: 4,
      preemptions: 2,
      migration_downtime_mean_s: downtime,
      progress_lost_hours: 0,
    },
  };
}

// Baseline costs 100 on both seeds. Greedy-spot: seed 1 costs 30 (first-fit) / 28 (optimal),
// seed 2 costs 40 / 36: savings 70 / 72 and 60 / 64 %.
const rows = [
  row(1, 'greedy-spot', 'first-fit', 30, 20),
  row(1, 'greedy-spot', 'optimal', 28, 18),
  row(1, 'on-demand-only', 'first-fit', 100, 0),
  row(1, 'on-demand-only', 'optimal', 100, 0),
  row(2, 'greedy-spot', 'first-fit', 40, 30),
  row(2, 'greedy-spot', 'optimal', 36, 26),
  row(2, 'on-demand-only', 'first-fit', 100, 0),
  row(2, 'on-demand-only', 'optimal', 100, 0),
];
const table = resultTable(rows);

describe('the result table and what is written from it', () => {
  it('savings against the baseline of the same seed, once per row', () => {
    expect([...table.savings.values()]).toEqual([70, 72, 0, 0, 60, 64, 0, 0]);
    const { header, cells } = runsCsvRecords(table);
    const col = header.indexOf('savings_pct');
    expect(cells.map((c) => c[col])).toEqual(['70', '72', '0', '0', '60', '64', '0', '0']);
  });

  it('comparison.csv: optimal − first-fit paired by seed', () => {
    const lines = comparisonCsv(table).trim().split('\n');
    const numbers = (metric: string) =>
      (lines.find((l) => l.includes(`,${metric},optimal,first-fit,`)) as string)
        .split(',')
        .slice(5)
        .map(Number);
    // Differences 2 and 4: mean 3, s = √2, half-width t(0.975, 1) · s / √2 = 12.7062047362.
    const expectRow = (got: number[], want: number[]) => {
      for (const [k, w] of want.entries()) expect(got[k], `cell ${k}`).toBeCloseTo(w, 8);
    };
    expectRow(numbers('savings_pct'), [68, 65, 3, 3 - 12.7062047362, 3 + 12.7062047362, 2]);
    expectRow(numbers('total_cost_usd'), [32, 35, -3, -3 - 12.7062047362, -3 + 12.7062047362, 2]);
  });

  it('summary.md: mean ± half-width per policy and planner', () => {
    expect(summaryMarkdown(table)).toBe(
      [
        '# Synkti sweep summary',
        '',
        'Mean ± 95% CI half-width (Student t) over seeds.',
        '',
        '## s',
        '',
        '| policy | planner | seeds | cost $ | savings % | completed | preemptions | downtime mean s | progress lost h |',
        '|---|---|---|---|---|---|---|---|---|',
        '| greedy-spot | first-fit | 2 | 35.00 ± 63.53 | 65.0 ± 63.5 | 4.0 ± 0.0 | 2.0 ± 0.0 | 25.0 ± 63.5 | 0.00 ± 0.00 |',
        '| greedy-spot | optimal | 2 | 32.00 ± 50.82 | 68.0 ± 50.8 | 4.0 ± 0.0 | 2.0 ± 0.0 | 22.0 ± 50.8 | 0.00 ± 0.00 |',
        '| on-demand-only | first-fit | 2 | 100.00 ± 0.00 | 0.0 ± 0.0 | 4.0 ± 0.0 | 2.0 ± 0.0 | 0.0 ± 0.0 | 0.00 ± 0.00 |',
        '| on-demand-only | optimal | 2 | 100.00 ± 0.00 | 0.0 ± 0.0 | 4.0 ± 0.0 | 2.0 ± 0.0 | 0.0 ± 0.0 | 0.00 ± 0.00 |',
        '',
      ].join('\n'),
    );
  });
});
