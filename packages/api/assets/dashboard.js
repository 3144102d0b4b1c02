// The live dashboard (served by @synkti/api; no build step). It reads the API with the
// session cookie set by the one-time login URL, renders jobs, cost over time against the
// on-demand counterfactual, the fleet by market and zone, and a timeline of notices,
// checkpoints and migrations, and keeps them current from the server-sent journal
// (GET /events) without reloading. Charts are Vega-Lite specs compiled in the page.
/* global vega, vegaLite */

const HOUR = 3600;
const state = { jobs: [], instances: [], metrics: undefined, costs: [], timeline: [] };
const views = {};

/** What a journal entry shows on the timeline (undefined: not shown there). */
function timelineKind(e) {
  if (e.what === 'instance' && e.to === 'NOTICED') return 'notice';
  if (e.what === 'instance' && e.to === 'REQUESTED') return 'launch';
  if (e.what === 'job' && e.to === 'CHECKPOINTING') return 'checkpoint';
  if (e.what === 'job' && e.to === 'MIGRATING') return 'migration';
  if (e.what === 'job' && e.to === 'RECOVERING') return 'recovery';
  if (e.what === 'job' && e.to === 'RUNNING') return 'running';
  if (e.what === 'job' && e.to === 'SUCCEEDED') return 'completion';
  if (e.what === 'job' && (e.to === 'FAILED' || e.to === 'CANCELLED')) return e.to.toLowerCase();
  return undefined;
}

async function get(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
}

const usd = (x) => (x === null || x === undefined ? '–' : `$${x.toFixed(4)}`);

function cell(row, text, attrs = {}) {
  const td = document.createElement('td');
  td.textContent = text;
  for (const [k, v] of Object.entries(attrs)) td.setAttribute(k, v);
  row.appendChild(td);
  return td;
}

function renderJobs() {
  const body = document.querySelector('#jobs tbody');
  const costs = new Map((state.metrics?.jobs ?? []).map((j) => [j.id, j.costUsd]));
  body.replaceChildren(
    ...state.jobs.map((j) => {
      const tr = document.createElement('tr');
      tr.dataset.jobId = j.id;
      tr.dataset.state = j.state;
      cell(tr, j.id);
      cell(tr, j.kind);
      cell(tr, j.state, { 'data-state': j.state, title: j.reason });
      const p = document.createElement('progress');
      p.max = j.workSeconds;
      p.value = j.progressEstimateSeconds;
      const td = cell(tr, '');
      td.appendChild(p);
      td.append(` ${Math.round((100 * j.progressEstimateSeconds) / j.workSeconds)}%`);
      cell(tr, j.instance ?? '–');
      cell(tr, String(j.preemptions), { class: 'num' });
      cell(tr, usd(costs.get(j.id)), { class: 'num' });
      return tr;
    }),
  );
}

function renderInstances() {
  const body = document.querySelector('#instances tbody');
  body.replaceChildren(
    ...state.instances.map((i) => {
      const tr = document.createElement('tr');
      tr.dataset.instance = i.token;
      tr.dataset.state = i.state;
      cell(tr, i.cloudId ?? i.token, { title: i.token });
      cell(tr, i.type);
      cell(tr, i.zone ?? '–');
      cell(tr, i.market);
      cell(tr, i.state, { 'data-state': i.state, title: i.reason });
      cell(tr, usd(i.billedUsd), { class: 'num' });
      return tr;
    }),
  );
}

function renderTotals() {
  const m = state.metrics;
  if (m === undefined) return;
  document.getElementById('cost').textContent = usd(m.totals.totalUsd);
  document.getElementById('counterfactual').textContent = usd(m.totals.counterfactualUsd);
  document.getElementById('savings').textContent =
    m.totals.savingsPct === null ? '–' : `${m.totals.savingsPct.toFixed(1)}%`;
  document.getElementById('preemptions').textContent = String(m.preemptions);
  document.getElementById('recoveries').textContent = String(m.recoveries);
}

const SPECS = {
  cost: {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 480,
    height: 180,
    data: { name: 'rows' },
    mark: { type: 'line', point: false },
    encoding: {
      x: { field: 'hours', type: 'quantitative', title: 'hours of the run' },
      y: { field: 'usd', type: 'quantitative', title: 'USD so far' },
      color: { field: 'series', type: 'nominal', title: null },
    },
  },
  fleet: {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 320,
    height: 120,
    data: { name: 'rows' },
    mark: 'bar',
    encoding: {
      y: { field: 'zone', type: 'nominal', title: 'zone' },
      x: {
        aggregate: 'count',
        type: 'quantitative',
        title: 'live instances',
        axis: { tickMinStep: 1, format: 'd' },
      },
      color: { field: 'market', type: 'nominal' },
    },
  },
  timeline: {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 480,
    height: 140,
    data: { name: 'rows' },
    mark: { type: 'tick', thickness: 2 },
    encoding: {
      x: { field: 'hours', type: 'quantitative', title: 'hours of the run' },
      y: { field: 'kind', type: 'nominal', title: null },
      color: { field: 'kind', type: 'nominal', legend: null },
      tooltip: [
        { field: 'id', type: 'nominal' },
        { field: 'reason', type: 'nominal' },
      ],
    },
  },
};

async function draw(name, rows) {
  if (views[name] === undefined) {
    const spec = vega.parse(vegaLite.compile(SPECS[name]).spec);
    views[name] = new vega.View(spec, {
      renderer: 'svg',
      container: `#${name}-chart`,
      hover: true,
    });
  }
  // resize: the axes' labels change with the data (autosize pads to them again).
  await views[name].data('rows', rows).resize().runAsync();
}

function renderCharts() {
  const cost = state.costs.flatMap((s) => [
    { hours: s.t / HOUR, series: 'billed', usd: s.totalUsd },
    { hours: s.t / HOUR, series: 'on demand (counterfactual)', usd: s.counterfactualUsd },
  ]);
  const live = state.instances
    .filter((i) => ['BOOTING', 'RUNNING', 'NOTICED'].includes(i.state))
    .map((i) => ({ zone: i.zone ?? '–', market: i.market }));
  const marks = state.timeline
    .filter((e) => ['notice', 'checkpoint', 'migration', 'recovery', 'completion'].includes(e.kind))
    .map((e) => ({ hours: e.t / HOUR, kind: e.kind, id: e.id, reason: e.reason }));
  return Promise.all([draw('cost', cost), draw('fleet', live), draw('timeline', marks)]);
}

function addEvent(e) {
  const kind = timelineKind(e);
  if (kind === undefined) return;
  state.timeline.push({ ...e, kind });
  const li = document.createElement('li');
  li.dataset.kind = kind;
  li.dataset.id = e.id;
  li.textContent = `${(e.t / HOUR).toFixed(3)} h  ${kind}  ${e.id}: ${e.reason}`;
  document.getElementById('events').prepend(li);
}

let refreshing = false;
let again = false;

/** Reads jobs, instances and the bill again (coalesced: at most one read in flight). */
async function refresh() {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  try {
    const [jobs, instances, metrics, costs, server] = await Promise.all([
      get('/jobs?limit=10000'),
      get('/instances'),
      get('/metrics'),
      get('/costs'),
      get('/server').catch(() => undefined),
    ]);
    state.jobs = jobs.jobs;
    state.instances = instances.instances;
    state.metrics = metrics;
    state.costs = costs.samples;
    if (server?.nowSeconds != null) {
      document.getElementById('clock').textContent =
        `run clock ${(server.nowSeconds / HOUR).toFixed(3)} h`;
    }
    renderJobs();
    renderInstances();
    renderTotals();
    await renderCharts();
    document.body.dataset.refreshed = String(Date.now());
  } finally {
    refreshing = false;
    if (again) {
      again = false;
      void refresh();
    }
  }
}

function connect() {
  const status = document.getElementById('connection');
  const source = new EventSource('/events');
  source.onopen = () => {
    status.dataset.state = 'open';
    status.textContent = 'live';
  };
  source.onerror = () => {
    status.dataset.state = 'closed';
    status.textContent = 'reconnecting…';
  };
  const onEntry = (message) => {
    addEvent(JSON.parse(message.data));
    void refresh();
  };
  for (const what of ['job', 'instance', 'run']) source.addEventListener(what, onEntry);
}

// The page is never reloaded: a marker a test can check stays for the page's life.
window.synktiLoadedAt = Date.now();
void refresh();
connect();
setInterval(() => void refresh(), 2000); // the bill and progress move between state changes
