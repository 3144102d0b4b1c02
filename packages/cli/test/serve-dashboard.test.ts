/**
 * Live mode III end to end (live.md): `synkti serve --cloud emulated --speed 60` on
 * scenarios/live/serve.json (spot preemptions about 9 and 3 per instance-hour: notices within the
 * first minute of wall time), three jobs submitted with the CLI — one running the demo
 * workload, a real training loop — and the dashboard, logged in through `synkti dashboard`'s
 * one-time URL, watched in headless Chromium (scripts/serve-demo.ts drives the CLI): it shows
 * the jobs running, a notice, a migration and their completion, without reloading.
 */

import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, launchChromium, warnNoChromium } from '../../../test-support/chromium.js';
import { type Demo, readDashboard, startDemo, synkti } from '../scripts/serve-demo.js';

warnNoChromium('the dashboard end-to-end test');

let demo: Demo | undefined;
afterAll(() => {
  demo?.server.kill('SIGKILL');
});

describe('synkti serve, the CLI and the dashboard', () => {
  it.skipIf(!HAVE_CHROMIUM)(
    'shows jobs running, a notice, a migration and completion, live',
    async () => {
      demo = await startDemo();
      const { ids, stateDir } = demo;
      expect(ids).toEqual(['job-1', 'job-2', 'job-3']);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        await page.goto(demo.loginUrl);
        expect(new URL(page.url()).pathname).toBe('/');
        const marker = () =>
          page.evaluate(() => (globalThis as { synktiLoadedAt?: number }).synktiLoadedAt);
        const loadedAt = await marker();
        expect(loadedAt).toBeGreaterThan(0);
        // Every (job, state) the page showed, and its timeline's kinds, read every 250 ms.
        const seen = new Set<string>();
        const kinds = new Set<string>();
        const deadline = Date.now() + 8 * 60_000;
        for (;;) {
          const s = await readDashboard(page);
          for (const r of s.rows) seen.add(r);
          for (const k of s.kinds) kinds.add(k);
          const done = ids.every((id) => s.rows.includes(`${id} SUCCEEDED`));
          if (done && kinds.has('notice') && kinds.has('migration')) break;
          if (Date.now() > deadline) {
            throw new Error(
              `after 8 minutes: rows ${s.rows.join(', ')}; timeline ${[...kinds].join(', ')}\n${demo.log()}`,
            );
          }
          await page.waitForTimeout(250);
        }
        for (const id of ids) expect(seen.has(`${id} RUNNING`), `${id} seen running`).toBe(true);
        expect(await marker(), 'the page was reloaded').toBe(loadedAt);
        expect(await page.locator('#connection').getAttribute('data-state')).toBe('open');
        // The charts drew marks: cost over time against on demand, and the timeline.
        expect(await page.locator('#cost-chart svg .mark-line path').count()).toBe(2);
        expect(await page.locator('#timeline-chart svg .mark-rect path').count()).toBeGreaterThan(
          0,
        );
        expect(errors).toEqual([]);
        const status = JSON.parse(await synkti(stateDir, 'status', 'job-1', '--json')) as {
          status: string;
        };
        expect(status.status).toBe('SUCCEEDED');
      } finally {
        await browser.close();
      }
      demo.server.kill('SIGTERM');
      expect(await demo.exited).toBe(0);
      expect(existsSync(path.join(stateDir, 'server.json'))).toBe(false);
    },
    600_000,
  );
});
