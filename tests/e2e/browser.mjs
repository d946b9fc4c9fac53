// Launches Debian's Chromium through playwright-core (installed in web/),
// each browser with its own fresh profile directory.
import { createRequire } from 'node:module';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = fileURLToPath(new URL('../../build/screenshots/', import.meta.url));

// The login screen asks auth/me first; its expected 401 is logged by the
// browser as a failed resource load, which is not an error of the page.
const EXPECTED_401 = /Failed to load resource: the server responded with a status of 401/;

/**
 * Opens a browser with one page. `errors` collects console errors and
 * uncaught exceptions (CSP violations included) for the test to check.
 */
export async function openBrowser({ width = 1280, height = 800 } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'tusk-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width, height },
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  // the browser's "Failed to load resource" names no address: the failed response before it does
  let failed = '';
  page.on('response', (r) => {
    if (r.status() >= 400) failed = `${r.request().method()} ${r.url()}`;
  });
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() !== 'error' || EXPECTED_401.test(text)) return;
    errors.push(/^Failed to load resource/.test(text) && failed ? `${text}: ${failed}` : text);
  });
  page.on('pageerror', (err) => errors.push(err.message));
  const close = async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  };
  return { context, page, errors, close };
}

/** Saves a PNG of the page as build/screenshots/NAME.png. */
export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
