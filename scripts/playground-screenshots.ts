/**
 * Writes the README's playground screenshots: docs/img/playground.png (reconnect-storm at 0.2 scale,
 * run to the end) and docs/img/playground-compare.png (the same with "Compare with…" fleet.servers=5),
 * in headless Debian Chromium (/usr/bin/chromium, or $WSFLEET_CHROMIUM) at 1400×1000, full page.
 *
 * Usage: npm run build && npm run build:playground && npx tsx scripts/playground-screenshots.ts
 * It builds nothing itself: it serves dist/playground with the built CLI (`wsfleet playground --port 0 --json`)
 * and stops it with Ctrl-C's signal when done.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchChromium } from '../test/browser/chromium.js';
import { startPlayground, stopPlayground } from '../test/cli/playground-server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const images = join(root, 'docs', 'img');
const VIEWPORT = { width: 1400, height: 1000 };
const HASH = '#lesson=reconnect-storm&scale=0.2&speed=0';
/** Wall time a run may take on a slow machine before the script gives up. */
const RUN_TIMEOUT_MS = 120_000;

for (const [file, how] of [
  [cli, 'npm run build'],
  [join(root, 'dist', 'playground', 'index.html'), 'npm run build:playground'],
] as const) {
  if (!existsSync(file)) throw new Error(`${relative(root, file)} is missing: run \`${how}\` first (this script builds nothing)`);
}

/** Waits until the run (and the compared run, if any) is done and every figure of the shown columns has drawn. */
async function settled(page: Page, columns: readonly string[]): Promise<void> {
  await page.locator('#status[data-state="done"]').waitFor({ state: 'attached', timeout: RUN_TIMEOUT_MS });
  if (columns.includes('#charts-b')) await page.locator('#summary-json-b:not(:empty)').waitFor({ state: 'attached', timeout: RUN_TIMEOUT_MS });
  for (const column of columns) {
    const figures = page.locator(`${column} figure.chart`);
    const n = await figures.count();
    if (n === 0) throw new Error(`${column} has no charts`);
    for (let k = 0; k < n; k++) await figures.nth(k).locator('.view svg .role-mark > *').first().waitFor({ state: 'attached', timeout: 30_000 });
  }
  // The transport bar is sticky: scrolled, it would cover the top of the panes in a full-page shot.
  await page.evaluate('window.scrollTo(0, 0)');
}

const server = await startPlayground();
const { browser, close } = await launchChromium();
const problems: string[] = [];
try {
  const page = await browser.newPage();
  await page.setViewportSize(VIEWPORT);
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${String(e)}`));
  await page.goto(server.url + HASH);
  await page.locator('#status[data-state="paused"]').waitFor({ state: 'attached', timeout: 30_000 });
  await page.click('#play');
  await settled(page, ['#charts-a']);
  mkdirSync(images, { recursive: true });
  const single = join(images, 'playground.png');
  await page.screenshot({ path: single, fullPage: true });
  process.stdout.write(`wrote ${relative(root, single)}\n`);

  await page.selectOption('#compare-knob', 'fleet.servers');
  await page.fill('#compare-value', '5');
  await page.click('#compare');
  await settled(page, ['#charts-a', '#charts-b']);
  const compared = join(images, 'playground-compare.png');
  await page.screenshot({ path: compared, fullPage: true });
  process.stdout.write(`wrote ${relative(root, compared)}\n`);
  if (problems.length > 0) throw new Error(`the page reported errors:\n${problems.join('\n')}`);
} finally {
  await close();
  const exit = await stopPlayground(server, 'SIGINT');
  if (exit === 'hung' || exit.code !== 130) process.stderr.write(`wsfleet playground exited with ${JSON.stringify(exit)}, expected code 130 after SIGINT\n`);
}
