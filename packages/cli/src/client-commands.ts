/**
 * The client commands of `synkti` (live.md, "CLI"): `submit`, `status`, `jobs`, `instances`,
 * `costs`, `logs`, `cancel` and `dashboard`, each a short pipeline — options checked (exit 2
 * before any request), one or two API calls (client.ts), the answer printed: a table for
 * people by default, JSON with `--json` for scripts.
 */

import { spawn } from 'node:child_process';
import type { Job, JobSubmission } from '@synkti/api';
import { InputError } from '@synkti/bench';
import { type ApiClient, connect, type ServerAddress } from './client.js';

const HOUR = 3600;

/** Plain-text columns, left-aligned, two spaces apart. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, k) => c.padEnd(widths[k] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}

const hours = (s: number | null | undefined) =>
  s === null || s === undefined ? '–' : `${(s / HOUR).toFixed(2)} h`;
const usd = (x: number | null | undefined) =>
  x === null || x === undefined ? '–' : `$${x.toFixed(4)}`;
const pct = (done: number, of: number) => `${Math.floor((100 * done) / of)}%`;

const positive = (flag: string, x: number | undefined) => {
  if (x !== undefined && !(x > 0 && Number.isFinite(x)))
    throw new InputError(`${flag}: expected a number > 0, got ${x}`);
};

/** What `submit` takes. */
export interface SubmitOptions extends ServerAddress {
  readonly kind: string;
  readonly workHours: number;
  readonly deadlineHours?: number | undefined;
  readonly memoryMb?: number | undefined;
  readonly stateMb?: number | undefined;
  readonly checkpointIntervalHours?: number | undefined;
  readonly argv: readonly string[];
  readonly json: boolean;
}

/** `synkti submit`: a job, synthetic or running the command after `--`. */
export async function submitCommand(o: SubmitOptions): Promise<string> {
  positive('--work-hours', o.workHours);
  positive('--deadline-hours', o.deadlineHours);
  positive('--memory-mb', o.memoryMb);
  positive('--checkpoint-interval-hours', o.checkpointIntervalHours);
  if (o.stateMb !== undefined && !(o.stateMb >= 0))
    throw new InputError(`--state-mb: expected a number >= 0, got ${o.stateMb}`);
  const body: Partial<JobSubmission> = {
    kind: o.kind,
    workSeconds: o.workHours * HOUR,
    ...(o.memoryMb !== undefined ? { memoryMb: o.memoryMb } : {}),
    ...(o.stateMb !== undefined ? { stateMb: o.stateMb } : {}),
    ...(o.deadlineHours !== undefined ? { deadlineAfterSeconds: o.deadlineHours * HOUR } : {}),
    ...(o.checkpointIntervalHours !== undefined
      ? { checkpointIntervalSeconds: o.checkpointIntervalHours * HOUR }
      : {}),
    ...(o.argv.length > 0 ? { argv: [...o.argv] } : {}),
  };
  const r = await connect(o).call<{ id: string }>('POST', '/jobs', body);
  return o.json
    ? `${JSON.stringify({ id: r.id })}\n`
    : `${r.id} submitted (${o.argv.length > 0 ? `runs ${o.argv.join(' ')}` : 'synthetic'})\n`;
}

/** `synkti status <job>`. */
export async function statusCommand(o: ServerAddress & { id: string; json: boolean }) {
  const j = await connect(o).call<Job>('GET', `/jobs/${encodeURIComponent(o.id)}`);
  if (o.json) {
    const { state, ...rest } = j;
    return `${JSON.stringify({ status: state, ...rest })}\n`;
  }
  return table(
    ['field', 'value'],
    [
      ['id', j.id],
      ['kind', j.kind],
      ['status', `${j.state}${j.cancelRequested ? ' (cancel requested)' : ''}`],
      ['reason', j.reason],
      [
        'progress',
        `${hours(j.progressEstimateSeconds)} of ${hours(j.workSeconds)} (${pct(j.progressEstimateSeconds, j.workSeconds)})`,
      ],
      ['instance', j.instance ?? '–'],
      ['preemptions', String(j.preemptions)],
      ['arrived', hours(j.arrivalSeconds)],
      ['deadline', hours(j.deadlineSeconds)],
      ['completed', hours(j.completedAtSeconds)],
      ['command', j.argv ? j.argv.join(' ') : 'synthetic'],
      ...(j.cause ? [['cause', j.cause]] : []),
    ],
  );
}

/** `synkti jobs`. */
export async function jobsCommand(
  o: ServerAddress & { state?: string | undefined; json: boolean },
) {
  const q = new URLSearchParams({ limit: '10000', ...(o.state ? { state: o.state } : {}) });
  const r = await connect(o).call<{ total: number; jobs: Job[] }>('GET', `/jobs?${q}`);
  if (o.json) return `${JSON.stringify(r)}\n`;
  return table(
    ['job', 'kind', 'status', 'progress', 'instance', 'preemptions', 'reason'],
    r.jobs.map((j) => [
      j.id,
      j.kind,
      j.state,
      pct(j.progressEstimateSeconds, j.workSeconds),
      j.instance ?? '–',
      String(j.preemptions),
      j.reason,
    ]),
  );
}

interface InstanceOut {
  token: string;
  cloudId: string | null;
  type: string;
  zone: string | null;
  market: string;
  state: string;
  billedUsd: number | null;
  launchedAtSeconds: number | null;
}

/** `synkti instances`. */
export async function instancesCommand(o: ServerAddress & { json: boolean }) {
  const r = await connect(o).call<{ instances: InstanceOut[] }>('GET', '/instances');
  if (o.json) return `${JSON.stringify(r)}\n`;
  return table(
    ['instance', 'type', 'zone', 'market', 'state', 'launched', 'billed'],
    r.instances.map((i) => [
      i.cloudId ?? i.token,
      i.type,
      i.zone ?? '–',
      i.market,
      i.state,
      hours(i.launchedAtSeconds),
      usd(i.billedUsd),
    ]),
  );
}

interface Totals {
  t: number;
  totalUsd: number;
  counterfactualUsd: number;
  savingsUsd: number;
  savingsPct: number | null;
}

/** A duration like `7d`, `36h`, `90m` or `45s`, in seconds. @throws InputError */
export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text);
  if (!m)
    throw new InputError(
      `${flag}: expected a duration like 7d, 36h, 90m or 45s, got ${JSON.stringify(text)}`,
    );
  return Number(m[1]) * { s: 1, m: 60, h: HOUR, d: 24 * HOUR }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** `synkti costs [--last 7d]`: the bill so far against on demand, per job; or of a window. */
export async function costsCommand(
  o: ServerAddress & { last?: string | undefined; json: boolean },
) {
  const window = o.last === undefined ? undefined : parseDuration('--last', o.last);
  const api = connect(o);
  const metrics = await api.call<{
    totals: Totals;
    preemptions: number;
    recoveries: number;
    unattributedUsd: number;
    jobs: { id: string; state: string; costUsd: number; counterfactualUsd: number }[];
  }>('GET', '/metrics');
  let spent: { since: number; usd: number; counterfactualUsd: number } | undefined;
  if (window !== undefined) {
    const since = Math.max(0, metrics.totals.t - window);
    const c = await api.call<{ latest: Totals; samples: Totals[] }>('GET', `/costs?since=${since}`);
    const first = c.samples[0];
    spent = {
      since,
      usd: first === undefined ? 0 : c.latest.totalUsd - first.totalUsd,
      counterfactualUsd:
        first === undefined ? 0 : c.latest.counterfactualUsd - first.counterfactualUsd,
    };
  }
  if (o.json) return `${JSON.stringify({ ...metrics, ...(spent ? { window: spent } : {}) })}\n`;
  const t = metrics.totals;
  const head =
    `as of ${hours(t.t)} of the run: billed ${usd(t.totalUsd)}; on demand would be ${usd(t.counterfactualUsd)}; ` +
    `saved ${usd(t.savingsUsd)}${t.savingsPct === null ? '' : ` (${t.savingsPct.toFixed(1)}%)`}; ` +
    `${metrics.preemptions} preemptions, ${metrics.recoveries} recoveries\n` +
    (spent
      ? `last ${o.last} (since ${hours(spent.since)}): billed ${usd(spent.usd)}, on demand ${usd(spent.counterfactualUsd)}\n`
      : '') +
    (metrics.unattributedUsd > 0
      ? `instances no job was on: ${usd(metrics.unattributedUsd)}\n`
      : '');
  return `${head}\n${table(
    ['job', 'status', 'cost', 'on demand'],
    metrics.jobs.map((j) => [j.id, j.state, usd(j.costUsd), usd(j.counterfactualUsd)]),
  )}`;
}

interface LogPage {
  lines: { seq: number; instance: string; t: number; line: string }[];
  next: number;
}

/** `synkti logs <job> [--follow]`: its output; following, until the job is final. */
export async function logsCommand(
  o: ServerAddress & {
    id: string;
    follow: boolean;
    json: boolean;
    write: (text: string) => void;
  },
): Promise<void> {
  const api = connect(o);
  const path = `/jobs/${encodeURIComponent(o.id)}/logs`;
  let after = 0;
  for (;;) {
    const page = await api.call<LogPage>('GET', `${path}?after=${after}`);
    for (const l of page.lines) o.write(o.json ? `${JSON.stringify(l)}\n` : `${l.line}\n`);
    after = page.next;
    if (page.lines.length > 0) continue;
    if (!o.follow || (await api.call<Job>('GET', `/jobs/${encodeURIComponent(o.id)}`)).final) {
      // A final job's last lines were read before it became final: one more look.
      const last = await api.call<LogPage>('GET', `${path}?after=${after}`);
      for (const l of last.lines) o.write(o.json ? `${JSON.stringify(l)}\n` : `${l.line}\n`);
      return;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** `synkti cancel <job>`. */
export async function cancelCommand(o: ServerAddress & { id: string; json: boolean }) {
  const r = await connect(o).call<{ id: string; state: string }>(
    'DELETE',
    `/jobs/${encodeURIComponent(o.id)}`,
  );
  return o.json
    ? `${JSON.stringify(r)}\n`
    : `${r.id}: cancel requested (it was ${r.state}); synkti status ${r.id} shows when it is CANCELLED\n`;
}

/**
 * `synkti dashboard`: a one-time login URL for a browser (good once, for 5 minutes), opened
 * in the default browser when asked to (`--open`).
 */
export async function dashboardCommand(o: ServerAddress & { open: boolean; json: boolean }) {
  const api: ApiClient = connect(o);
  const r = await api.call<{ path: string }>('POST', '/login-codes');
  const url = new URL(r.path, api.url).toString();
  if (o.open) openInBrowser(url);
  return o.json ? `${JSON.stringify({ url })}\n` : `open once, within 5 minutes: ${url}\n`;
}

/** Opens `url` in the desktop's browser (xdg-open, open or start), not waiting for it. */
function openInBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () =>
    process.stderr.write(`synkti dashboard: could not start ${cmd}; open the URL yourself\n`),
  );
  child.unref();
}

/** Whether there is a desktop to open a browser on (a display on Linux; macOS and Windows). */
export function hasDesktop(): boolean {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY']);
}
