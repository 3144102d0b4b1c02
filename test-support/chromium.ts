import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * Test support shared by the packages' test suites (not part of any package): Debian's
 * Chromium driven by playwright-core (no browser download). `SYNKTI_CHROMIUM` names another
 * binary. In CI the browser tests must run (.ci/run installs Chromium): a missing browser fails
 * there instead of skipping.
 */
export const CHROMIUM = process.env['SYNKTI_CHROMIUM'] ?? '/usr/bin/chromium';

/** Whether the browser is there. */
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/** Says, once per suite, that `what` is skipped for want of a browser (throws in CI). */
export function warnNoChromium(what: string): void {
  if (HAVE_CHROMIUM) return;
  const message = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set SYNKTI_CHROMIUM)`;
  if (process.env['CI']) throw new Error(message);
  console.warn(`skipping ${what}: ${message}`);
}

/**
 * Headless Chromium with the flags this machine's closed network needs (no background
 * networking, component updates or sync).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
