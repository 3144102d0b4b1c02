/**
 * What a reader sees of swept parameters: a human title with its unit for a parameter path, a
 * short label for its value (a trace file by its name), and sweep points in numeric order.
 */

import type { RunRow } from './types.js';

/** Titles of the scenario fields a sweep most often varies, by the path's last key. */
const TITLES: Readonly<Record<string, string>> = {
  ratePerHour: 'preemptions per instance-hour',
  priceSensitivity: 'preemption price sensitivity',
  stateMb: 'task state (MB)',
  memoryMb: 'task memory (MB)',
  gpuMemoryMb: 'GPU memory (MB)',
  networkGbps: 'network (Gbps)',
  onDemandPerHour: 'on-demand price ($/hour)',
  meanPerHour: 'mean spot price ($/hour)',
  perHour: 'spot price ($/hour)',
  sigma: 'spot price volatility σ',
  theta: 'spot price reversion θ (per hour)',
  gracePeriodSeconds: 'grace period (s)',
  detectionLatencySeconds: 'detection latency (s)',
  restartOverheadSeconds: 'restart overhead (s)',
  policyTickSeconds: 'policy tick (s)',
  idleReleaseSeconds: 'idle release (s)',
  bootSeconds: 'boot time (s)',
  horizonHours: 'horizon (h)',
  count: 'tasks',
  file: 'trace',
  offsetHours: 'trace offset (h)',
  deadlineSlack: 'deadline slack (× work)',
  fullThreshold: 'full-checkpoint threshold',
  partialThreshold: 'partial-checkpoint threshold',
  storageBandwidthGbps: 'checkpoint storage (Gbps)',
};

const UNITS: readonly [RegExp, string][] = [
  [/Seconds$/, ' (s)'],
  [/Hours$/, ' (h)'],
  [/Mb$/, ' (MB)'],
  [/Gbps$/, ' (Gbps)'],
  [/PerHour$/, ' ($/hour)'],
];

/** A parameter path's title, e.g. `instanceTypes.0.preemption.ratePerHour` → "preemptions per instance-hour". */
export function paramTitle(path: string): string {
  const parts = path.split('.');
  let key = parts.at(-1) as string;
  // A distribution's number is named by the field it draws (workHours.value → workHours).
  if (['value', 'min', 'max', 'median'].includes(key) && parts.length > 1) {
    key = parts.at(-2) as string;
  }
  const known = TITLES[key];
  if (known) return known;
  for (const [re, unit] of UNITS) {
    if (re.test(key)) return `${words(key.replace(re, ''))}${unit}`;
  }
  return words(key);
}

function words(camel: string): string {
  return camel.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** A value's label: numbers as they are, a file path by its name without extension. */
export function valueLabel(v: number | string): string {
  if (typeof v === 'number') return String(v);
  const name = v.split('/').pop() as string;
  return name.replace(/\.(json|csv|ya?ml)$/i, '');
}

/** A sweep point's label, e.g. "preemptions per instance-hour 0.2, task state (MB) 4000". */
export function pointLabel(r: Pick<RunRow, 'params' | 'scenario'>): string {
  const entries = Object.entries(r.params);
  if (entries.length === 0) return r.scenario;
  if (entries.length === 1) return valueLabel((entries[0] as [string, number | string])[1]);
  return entries.map(([k, v]) => `${paramTitle(k)} ${valueLabel(v)}`).join(', ');
}

/** The points' labels in numeric order of their parameters (strings in text order). */
export function sortedPointLabels(rows: readonly Pick<RunRow, 'params' | 'scenario'>[]): string[] {
  const seen = new Map<string, Pick<RunRow, 'params' | 'scenario'>>();
  for (const r of rows) {
    const label = pointLabel(r);
    if (!seen.has(label)) seen.set(label, r);
  }
  const compare = (
    a: Pick<RunRow, 'params' | 'scenario'>,
    b: Pick<RunRow, 'params' | 'scenario'>,
  ) => {
    if (a.scenario !== b.scenario) return a.scenario < b.scenario ? -1 : 1;
    for (const k of Object.keys(a.params).sort()) {
      const x = a.params[k];
      const y = b.params[k];
      if (x === y) continue;
      if (typeof x === 'number' && typeof y === 'number') return x - y;
      return String(x) < String(y) ? -1 : 1;
    }
    return 0;
  };
  return [...seen.entries()].sort(([, a], [, b]) => compare(a, b)).map(([label]) => label);
}

/** The sweep points' title: the swept parameters' titles, or the scenario. */
export function pointsTitle(paramPaths: readonly string[]): string {
  return paramPaths.length === 0 ? 'scenario' : paramPaths.map(paramTitle).join(', ');
}

/** Planner colors: saturated, and the same in every chart. */
export const PLANNER_SCALE = {
  domain: ['first-fit', 'greedy', 'optimal'],
  range: ['#d95f02', '#7570b3', '#1b9e77'],
};
