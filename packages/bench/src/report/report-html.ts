/**
 * report.html: a self-contained page (inline SVG, no scripts, no network) with the sweep's
 * charts, rendered server-side from Vega-Lite specs.
 */

import type { ResultTable } from '../results/table.js';
import {
  plannerDifferenceChart,
  relativeCostChart,
  savingsChart,
  type TimelineData,
  timelineChart,
  versusParameterChart,
} from './charts.js';
import { paramTitle } from './labels.js';
import { toSvg } from './render.js';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);

/** Builds the report page. */
export async function reportHtml(t: ResultTable, timeline?: TimelineData): Promise<string> {
  const { rows } = t;
  const figures: { id: string; title: string; svg: string }[] = [];
  const planners = new Set(rows.map((r) => r.migration));
  // The paired planner difference needs optimal and another planner on the same seeds.
  if (planners.has('optimal') && planners.size > 1) {
    figures.push({
      id: 'planner-difference',
      title: 'Optimal migration against first-fit and greedy',
      svg: await toSvg(plannerDifferenceChart(t)),
    });
  }
  figures.push({
    id: 'relative-cost',
    title: 'Cost relative to on-demand-only',
    svg: await toSvg(relativeCostChart(t)),
  });
  figures.push({
    id: 'savings',
    title: 'Savings by policy and planner',
    svg: await toSvg(savingsChart(t)),
  });
  const numericParams = t.paramPaths.filter((p) =>
    rows.some((r) => typeof r.params[p] === 'number'),
  );
  for (const [k, p] of numericParams.entries()) {
    figures.push({
      id: `savings-vs-${k}`,
      title: `Savings by ${paramTitle(p)}`,
      svg: await toSvg(versusParameterChart(t, p, 'savings_pct')),
    });
    figures.push({
      id: `downtime-vs-${k}`,
      title: `Downtime by ${paramTitle(p)}`,
      svg: await toSvg(versusParameterChart(t, p, 'migration_downtime_mean_s')),
    });
  }
  if (timeline)
    figures.push({ id: 'timeline', title: 'Timeline', svg: await toSvg(timelineChart(timeline)) });
  const scenarios = [...new Set(rows.map((r) => r.scenario))].join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Synkti report: ${escapeHtml(scenarios)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}figure{margin:2rem 0}figcaption{font-weight:600;margin-bottom:.5rem}</style>
</head><body>
<h1>Synkti report: ${escapeHtml(scenarios)}</h1>
<p>${rows.length} runs. Means over seeds with 95% Student-t intervals. Tables: runs.csv, comparison.csv, summary.md beside this file.</p>
${figures.map((f) => `<figure class="chart" id="${f.id}"><figcaption>${escapeHtml(f.title)}</figcaption>\n${f.svg}\n</figure>`).join('\n')}
</body></html>
`;
}
