import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium, or $WSFLEET_CHROMIUM; `npm test` installs it with apt when missing. Tests never download a browser. */
export const CHROMIUM = process.env.WSFLEET_CHROMIUM ?? '/usr/bin/chromium';

/** Why Chromium cannot be used here (as `npm test` found, or the binary is absent), or null when it can. */
export function chromiumMissing(): string | null {
  const reported = process.env.WSFLEET_CHROMIUM_MISSING;
  if (reported !== undefined) return reported;
  return existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (install Debian's chromium; npm test does so as root)`;
}

/** Launches headless Chromium with a fresh profile and no background network; `close` also removes the profile. */
export async function launchChromium(): Promise<{ browser: BrowserContext; close: () => Promise<void> }> {
  const missing = chromiumMissing();
  if (missing !== null) throw new Error(missing);
  const profile = mkdtempSync(join(tmpdir(), 'wsfleet-chromium-'));
  const removeProfile = (): void => {
    rmSync(profile, { recursive: true, force: true });
  };
  // Playwright passes the profile folder as --user-data-dir.
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
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
  }).catch((error: unknown) => {
    removeProfile();
    throw error;
  });
  return {
    browser,
    close: async () => {
      try {
        await browser.close();
      } finally {
        removeProfile();
      }
    },
  };
}

/** What a page did: console errors, uncaught exceptions, requests that left the file, and marks drawn per chart. */
export interface PageCheck {
  errors: string[];
  external: string[];
  charts: number;
  marksPerChart: number[];
}

/** Opens a local HTML file, waits until every chart has drawn its marks (or 30 s), and reports what happened. */
export async function openReport(browser: BrowserContext, file: string, screenshot?: string): Promise<PageCheck> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const external: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) await route.continue();
    else {
      external.push(url);
      await route.abort();
    }
  });
  await page.goto(pathToFileURL(file).href);
  const charts = await page.locator('figure.chart').count();
  const marks = (k: number) => page.locator(`#chart-${String(k)} svg .role-mark > *`);
  const marksPerChart: number[] = [];
  for (let k = 0; k < charts; k++) {
    await marks(k)
      .first()
      .waitFor({ state: 'attached', timeout: 30_000 })
      .catch(() => undefined);
    marksPerChart.push(await marks(k).count());
  }
  if (screenshot !== undefined) await page.screenshot({ path: screenshot, fullPage: true });
  await page.close();
  return { errors, external, charts, marksPerChart };
}
