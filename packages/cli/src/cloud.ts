/**
 * `synkti cloud <scenario>`: the emulated cloud of a scenario and seed in its own process, on the
 * virtual clock, served on loopback (orchestrator cloud-server.ts). It writes `cloud.json` (its
 * URL, secret and PID; mode 0600) into `--dir`, where `synkti live --cloud DIR` finds it, and
 * runs until it is sent SIGTERM or SIGINT.
 */

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError, loadScenario } from '@synkti/bench';
import {
  EmulatedCloud,
  HttpCloud,
  ScaledClock,
  startCloudServer,
  VirtualClock,
} from '@synkti/orchestrator';
import type { Scenario } from '@synkti/sim-core';

/** The file a cloud process writes into its directory. */
export const CLOUD_FILE = 'cloud.json';

/** What `cloud.json` holds. */
interface CloudFile {
  readonly url: string;
  readonly secret: string;
  readonly pid: number;
}

/** Starts the cloud; resolves once it serves, with a stop function. */
export async function startCloudCommand(o: {
  readonly scenario: string;
  readonly seed: string | undefined;
  readonly dir: string;
  readonly port: number;
  readonly tracesDir: string | undefined;
  /** Simulated seconds per wall second of a scaled clock; undefined: the virtual clock. */
  readonly speed?: number | undefined;
}): Promise<{ url: string; stop: () => Promise<void> }> {
  const loaded = loadScenario(o.scenario, o.tracesDir ? { tracesDir: o.tracesDir } : {});
  const scenario = (loaded.points[0] as { scenario: Scenario }).scenario;
  const seed =
    o.seed === undefined ? (loaded.seeds[0] ?? 1) : /^\d+$/.test(o.seed) ? Number(o.seed) : o.seed;
  // A scaled clock waits for the orchestrator's first look at it.
  const clock =
    o.speed === undefined ? new VirtualClock() : new ScaledClock(o.speed, { paused: true });
  const cloud = new EmulatedCloud(scenario, seed, clock);
  const secret = randomBytes(32).toString('hex');
  const server = await startCloudServer(cloud, { secret, port: o.port });
  // On the scaled clock the cloud moves itself: what falls due happens within 10 ms of wall time.
  const ticker =
    o.speed === undefined ? undefined : setInterval(() => cloud.advanceToNow(clock.now()), 10);
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  const file: CloudFile = { url: server.url, secret, pid: process.pid };
  writeFileSync(path.join(o.dir, CLOUD_FILE), `${JSON.stringify(file)}\n`, { mode: 0o600 });
  return {
    url: server.url,
    stop: async () => {
      if (ticker) clearInterval(ticker);
      await server.close();
    },
  };
}

/** The cloud served from `dir` (its cloud.json). @throws InputError when there is none. */
export function cloudAt(dir: string): HttpCloud {
  const file = path.join(dir, CLOUD_FILE);
  let doc: CloudFile;
  try {
    if ((statSync(file).mode & 0o077) !== 0) {
      throw new InputError(
        `${file}: readable by others (mode ${(statSync(file).mode & 0o777).toString(8)}); expected 600`,
      );
    }
    doc = JSON.parse(readFileSync(file, 'utf8')) as CloudFile;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `--cloud ${dir}: no cloud there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); start one with synkti cloud <scenario> --dir ${dir}`,
    );
  }
  return new HttpCloud(doc.url, doc.secret);
}
