/**
 * `npm run report:deadline [-- <runs.csv> …]`: the per-zone table of the Can't Be Late
 * comparison for each runs.csv given (default: results/cant-be-late-paper/runs.csv, the paper's
 * exact setting, then results/cant-be-late/runs.csv, the setting with a real cloud's notice,
 * state and billing): mean cost of greedy-deadline, uniform-progress and the offline optimum
 * relative to on-demand-only (per-seed ratios, mean ± 95% CI), deadline misses, and the share of
 * the greedy → offline-optimum gap that uniform progress closes ((greedy − UP) / (greedy −
 * optimum), on mean costs).
 */

import { readFileSync } from 'node:fs';
import { estimate } from '@synkti/sim-core';
import { parse } from 'csv-parse/sync';

const DEFAULT_FILES = ['results/cant-be-late-paper/runs.csv', 'results/cant-be-late/runs.csv'];

function table(file: string): void {
  const rows = parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];
  const zoneColumn = Object.keys(rows[0] ?? {}).find((c) => c.startsWith('param_'));
  if (!zoneColumn) throw new Error(`${file}: no swept parameter column (expected the trace file)`);

  const zones = [...new Set(rows.map((r) => r[zoneColumn] as string))];
  const cost = (zone: string, policy: string) =>
    new Map(
      rows
        .filter((r) => r[zoneColumn] === zone && r['policy'] === policy)
        .map((r) => [r['seed'] as string, Number(r['total_cost_usd'])]),
    );
  const misses = (zone: string, policy: string) =>
    rows
      .filter((r) => r[zoneColumn] === zone && r['policy'] === policy)
      .reduce((s, r) => s + Number(r['deadline_misses']), 0);
  const fmt = (e: ReturnType<typeof estimate>, scale = 100) =>
    e.mean === undefined
      ? '–'
      : `${(e.mean * scale).toFixed(1)}${e.halfWidth === undefined ? '' : ` ± ${(e.halfWidth * scale).toFixed(1)}`}`;

  console.log(`${file}\n`);
  console.log(
    '| zone | seeds | greedy-deadline / on-demand (%) | uniform-progress / on-demand (%) | offline optimum / on-demand (%) | misses (greedy, UP) | gap closed by UP |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const zone of zones) {
    const od = cost(zone, 'on-demand-only');
    const ratio = (policy: string) => {
      const c = cost(zone, policy);
      return estimate([...c].filter(([s]) => od.has(s)).map(([s, v]) => v / (od.get(s) as number)));
    };
    const mean = (policy: string) => estimate([...cost(zone, policy).values()]).mean;
    const g = mean('greedy-deadline');
    const u = mean('uniform-progress');
    const o = mean('offline-optimal');
    const gap =
      g !== undefined && u !== undefined && o !== undefined && g - o > 1e-9
        ? `${(((g - u) / (g - o)) * 100).toFixed(0)}%`
        : '–';
    const name = zone.replace(/^.*\//, '').replace(/_v100_1\.json$/, '');
    console.log(
      `| ${name} | ${od.size} | ${fmt(ratio('greedy-deadline'))} | ${fmt(ratio('uniform-progress'))} | ${fmt(ratio('offline-optimal'))} | ${misses(zone, 'greedy-deadline')}, ${misses(zone, 'uniform-progress')} | ${gap} |`,
    );
  }
  console.log('');
}

const files = process.argv.slice(2);
for (const file of files.length > 0 ? files : DEFAULT_FILES) table(file);
