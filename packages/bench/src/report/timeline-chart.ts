/**
 * One run's timeline: the spot price of each type, every instance's lifetime by market, and
 * the notices and migrations on them, with a legend for every mark.
 */

import type { TopLevelSpec } from 'vega-lite';
import type { SimEventLike } from './types.js';

/** The data of one run's timeline. */
export interface TimelineData {
  readonly label: string;
  readonly events: readonly SimEventLike[];
  readonly spotPrices: readonly { type: string; t: number; perHour: number }[];
  readonly horizonHours: number;
}

/** One run: spot price, preemption notices, instance lifetimes by market, migrations. */
export function timelineChart(d: TimelineData): TopLevelSpec {
  const launches = new Map<string, { t: number; market: string }>();
  const lifetimes: { instance: string; start: number; end: number; what: string }[] = [];
  const marks: { t: number; instance: string; what: 'notice' | 'migration' }[] = [];
  for (const e of d.events) {
    const h = e.t / 3600;
    if (e.kind === 'launch' && e.instance)
      launches.set(e.instance, { t: h, market: String(e.detail?.['market']) });
    if ((e.kind === 'release' || e.kind === 'terminate') && e.instance) {
      const l = launches.get(e.instance);
      if (l) lifetimes.push({ instance: e.instance, start: l.t, end: h, what: l.market });
      launches.delete(e.instance);
    }
    if (e.kind === 'notice' && e.instance)
      marks.push({ t: h, instance: e.instance, what: 'notice' });
    // A migration is marked on the instance the task moved to.
    if (e.kind === 'migrate' && e.instance)
      marks.push({ t: h, instance: e.instance, what: 'migration' });
  }
  for (const [instance, l] of launches)
    lifetimes.push({ instance, start: l.t, end: d.horizonHours, what: l.market });
  const prices = d.spotPrices.map((p) => ({ type: p.type, t: p.t / 3600, perHour: p.perHour }));
  // A step line needs its last price carried to the horizon (a constant price has one sample).
  const last = new Map(prices.map((p) => [p.type, p]));
  for (const p of last.values()) prices.push({ ...p, t: d.horizonHours });
  const x = {
    type: 'quantitative' as const,
    title: 'hours',
    scale: { domain: [0, d.horizonHours] },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Timeline of one run: ${d.label}`,
    // The price lines are colored by type, the lifetimes by market: separate color scales.
    resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } },
    vconcat: [
      {
        width: 640,
        height: 120,
        data: { values: prices },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 't', ...x },
          y: { field: 'perHour', type: 'quantitative', title: 'spot $/hour' },
          color: { field: 'type', type: 'nominal', title: 'type' },
        },
      },
      {
        width: 640,
        height: { step: 8 },
        layer: [
          {
            data: { values: lifetimes },
            mark: 'bar',
            encoding: {
              x: { field: 'start', ...x },
              x2: { field: 'end' },
              y: {
                field: 'instance',
                type: 'nominal',
                title: 'instances, in launch order',
                sort: null,
                axis: { labels: lifetimes.length <= 40, ticks: false },
              },
              color: { field: 'what', type: 'nominal', title: null, scale: LEGEND },
            },
          },
          {
            data: { values: marks },
            mark: { type: 'point', filled: true, size: 36, opacity: 1 },
            encoding: {
              x: { field: 't', ...x },
              y: { field: 'instance', type: 'nominal', sort: null },
              color: { field: 'what', type: 'nominal', scale: LEGEND },
              shape: { field: 'what', type: 'nominal', title: null, scale: SHAPES },
            },
          },
        ],
      },
    ],
  };
}

/** One legend for the bars (by market) and the marks (notice, migration). */
const LEGEND = {
  domain: ['spot', 'on-demand', 'notice', 'migration'],
  range: ['#4c78a8', '#f58518', '#000000', '#dc143c'],
};
const SHAPES = { domain: ['notice', 'migration'], range: ['diamond', 'triangle-right'] };
