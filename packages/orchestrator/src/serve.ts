/**
 * A live run as a server (`synkti serve`, `RunLiveOptions.serve`): at each look of the
 * scaled driver (run-live.ts) it takes the requests that came since the last (store/requests.ts;
 * the jobs they submit arrive then), records the run's clock, and at most every
 * `costSampleMs` of wall time keeps the cloud's bill (store/costs.ts). What its clients need of
 * the scenario is written once at its start ({@link ServerInfo}).
 */

import type { EmulatedCloud } from './cloud/emulated-cloud.js';
import { bills } from './core/billing.js';
import { type Orchestrator, P_STATE } from './core/orchestrator.js';
import { takeRequests } from './core/requests.js';
import { recordCosts } from './store/costs.js';
import { JobRequests } from './store/requests.js';

/** The store's meta key holding a server's {@link ServerInfo} (JSON), written at its start. */
export const SERVER_INFO = 'server_info';
/**
 * The store's meta key holding a server's clock at its last sample of the bill (every
 * `costSampleMs`, not every look: each write is a synchronous commit): `{t, wallMs}` (JSON).
 */
export const SERVER_NOW = 'server_now';

/** What a server's clients need of its scenario: the instance types a job may need. */
export interface ServerInfo {
  readonly horizonSeconds: number;
  readonly instanceTypes: readonly {
    readonly name: string;
    readonly gpuMemoryMb: number;
    /** Work-seconds per second. */
    readonly speed: number;
    readonly onDemandPerHour: number;
    readonly zone: string | null;
  }[];
}

/** See `RunLiveOptions.serve`. */
export interface ServeMode {
  /** Ends the run (the server stops; instances are released, as at the horizon). */
  readonly signal: AbortSignal;
  /** Wall milliseconds between samples of the bill. Default 1000. */
  readonly costSampleMs?: number;
  /** Called once the orchestrator has started (resumed and reconciled), before it is driven. */
  readonly onStarted?: (o: Orchestrator) => void;
}

/**
 * A server's part of each look: the requests that came since the last (the jobs they submit
 * arrive now), and, at most every `costSampleMs` of wall time, the cloud's bill so far.
 */
export function serveLooks(
  o: Orchestrator,
  cloud: Pick<EmulatedCloud, 'ledgerCostUsd'>,
  mode: ServeMode,
) {
  const { store } = o.options;
  const requests = new JobRequests(store);
  const every = mode.costSampleMs ?? 1000;
  const info: ServerInfo = {
    horizonSeconds: o.horizonSeconds,
    instanceTypes: o.instanceTypes.map((t) => ({
      name: t.name,
      gpuMemoryMb: t.gpuMemoryMb,
      speed: t.speed,
      onDemandPerHour: t.onDemandPerHour,
      zone: t.zone ?? null,
    })),
  };
  store.setMeta(SERVER_INFO, JSON.stringify(info));
  let sampledAt = Number.NEGATIVE_INFINITY;
  let taking = false;
  return {
    stopped: () => mode.signal.aborted,
    look: async (nowSeconds: number): Promise<void> => {
      // Requests are taken by a timer at the look's time, a state change like any other: the
      // jobs they submit arrive then, and the step commits them with their requests' outcomes.
      if (!taking && requests.waiting()) {
        taking = true;
        const take = () => {
          taking = false;
          takeRequests(o, requests);
        };
        o.engine.scheduleAt(Math.max(nowSeconds, o.now), take, 'requests', P_STATE);
      }
      if (performance.now() - sampledAt < every) return;
      sampledAt = performance.now();
      store.setMeta(SERVER_NOW, JSON.stringify({ t: nowSeconds, wallMs: Date.now() }));
      const bill = await cloud.ledgerCostUsd(nowSeconds);
      recordCosts(store, nowSeconds, bills(o, bill, nowSeconds));
    },
  };
}
