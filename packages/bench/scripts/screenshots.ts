/**
 * `npm run screenshots`: renders committed reports in headless Chromium (Debian's, with
 * playwright-core; no browser download) to docs/img/<name>.png, which the README shows.
 * Usage: screenshots [results/<name> …] (default: default, migration-sweep, cant-be-late).
 */

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { REPOSITORY_ROOT } from '../src/scenario-file/traces-dir.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const dirs =
  process.argv.length > 2
    ? process.argv.slice(2)
    : ['default', 'migration-sweep', 'cant-be-late'].map((n) => path.join('results', n));
if (!existsSync(CHROMIUM)) {
  process.stderr.write(
    `error: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
  );
  process.exit(2);
}
const out = path.join(REPOSITORY_ROOT, 'docs', 'img');
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  for (const dir of dirs) {
    const report = path.resolve(REPOSITORY_ROOT, dir, 'report.html');
    await page.goto(pathToFileURL(report).href);
    const file = path.join(out, `${path.basename(dir)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    process.stdout.write(`${path.relative(REPOSITORY_ROOT, file)}\n`);
  }
} finally {
  await browser.close();
}
