import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  HAVE_CHROMIUM,
  launchChromium,
  warnNoChromium,
} from '../../../../test-support/chromium.js';
import { ROOT, runCli, tempDir } from '../fixtures/cli.js';

warnNoChromium('the browser test of report.html');

describe('report.html', () => {
  const dir = tempDir();
  const out = path.join(dir, 'out');

  // Each test reads the report this writes, so neither depends on the other's run.
  beforeAll(() => {
    const r = runCli([
      path.join(ROOT, 'scenarios/ci.json'),
      '--seeds',
      '2',
      '--timeline',
      '1',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('is written by every run, self-contained (no script, no external reference)', () => {
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script|<link|src="http|href="http/);
    // The planner difference, cost relative to on-demand, savings, the timeline (no sweep).
    expect(html.match(/<figure class="chart"/g)?.length).toBe(4);
  });

  it.skipIf(!HAVE_CHROMIUM)(
    'renders in headless Chromium: no console error, marks in every chart',
    async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 1600 } });
        const errors: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`file://${path.join(out, 'report.html')}`);
        const marks = await page.$$eval('figure.chart', (figures) =>
          figures.map((f) => ({
            id: f.id,
            marks: f.querySelectorAll(
              'svg .mark-symbol path, svg .mark-rule line, svg .mark-line path, svg .mark-rect path, svg .mark-area path, svg .mark-tick path',
            ).length,
          })),
        );
        expect(marks.map((m) => m.id)).toEqual([
          'planner-difference',
          'relative-cost',
          'savings',
          'timeline',
        ]);
        for (const m of marks) expect(m.marks, m.id).toBeGreaterThan(3);
        expect(errors).toEqual([]);
        const artifacts = path.join(ROOT, '.vitest-artifacts');
        mkdirSync(artifacts, { recursive: true });
        await page.screenshot({ path: path.join(artifacts, 'report.png'), fullPage: true });
      } finally {
        await browser.close();
      }
    },
  );
});
