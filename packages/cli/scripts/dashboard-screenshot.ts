/**
 * `npm run screenshots` (its second part): the live dashboard in headless Chromium (Debian's,
 * with playwright-core) once the demo (serve-demo.ts) has shown a notice, a migration and a
 * completion, saved to docs/img/dashboard.png for the README. About a minute and a half.
 */

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { HAVE_CHROMIUM, launchChromium } from '../../../test-support/chromium.js';
import { ROOT, readDashboard, startDemo } from './serve-demo.js';

if (!HAVE_CHROMIUM) {
  process.stderr.write('error: no Chromium (apt-get install chromium, or set SYNKTI_CHROMIUM)\n');
  process.exit(2);
}
const demo = await startDemo();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
  await page.goto(demo.loginUrl);
  const kinds = new Set<string>();
  const until = Date.now() + 8 * 60_000;
  for (;;) {
    const s = await readDashboard(page);
    for (const k of s.kinds) kinds.add(k);
    if (kinds.has('notice') && kinds.has('migration') && kinds.has('completion')) break;
    if (Date.now() > until) throw new Error(`no notice, migration and completion in 8 minutes`);
    await page.waitForTimeout(500);
  }
  await page.waitForTimeout(1500); // a refresh of the charts after the last change
  const out = path.join(ROOT, 'docs', 'img', 'dashboard.png');
  mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out, fullPage: true });
  process.stdout.write(`${path.relative(ROOT, out)}\n`);
} finally {
  await browser.close();
  demo.server.kill('SIGTERM');
  await demo.exited;
}
