import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { vlSchemaErrors } from '../report/vl-schema.js';
import type { VlSpec } from '../../src/report/types.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { FLAGSHIP, listFiles, SMALL_STORM, wsfleet } from '../cli/cli.js';
import { chromiumMissing, launchChromium, openReport } from './chromium.js';

const noChromium = chromiumMissing();
let work: string | undefined;
let browser: BrowserContext | undefined;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wsfleet-html-'));
  for (const args of [
    ['run', FLAGSHIP, ...SMALL_STORM, '--out', join(work, 'run'), '--quiet'],
    ['run', 'test/cli/fixtures/small-sweep.yaml', '--out', join(work, 'sweep'), '--quiet'],
    ['plan', 'test/plan/fixtures/mmc-cores.yaml', '--set', 'durationMs=5000', '--out', join(work, 'plan'), '--quiet'],
  ]) {
    const r = wsfleet(args);
    expect(r.status, r.stderr).toBe(0);
  }
  if (noChromium === null) ({ browser, close } = await launchChromium());
}, 120_000);

// Runs even when beforeAll failed half-way: whatever was created is removed.
afterAll(async () => {
  try {
    await close?.();
  } finally {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  }
});

/** The work folder beforeAll filled. */
function folder(...parts: string[]): string {
  if (work === undefined) throw new Error('beforeAll did not create the work folder');
  return join(work, ...parts);
}

describe.each(['run', 'sweep'])('report.html of a %s', (kind) => {
  it('opens in headless Chromium without console errors or network requests, every chart drawn with marks', async (ctx) => {
    if (browser === undefined) return ctx.skip(noChromium ?? 'Chromium did not start');
    const page = await openReport(browser, folder(kind, 'report.html'));
    expect(page.errors).toEqual([]);
    expect(page.external).toEqual([]);
    expect(page.charts).toBeGreaterThanOrEqual(2);
    expect(page.marksPerChart.every((n) => n > 0), JSON.stringify(page.marksPerChart)).toBe(true);
  });

  it('shows the question, the resolved parameters and the summary table', () => {
    const html = readFileSync(folder(kind, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Parameters</h2>');
    expect(html).toMatch(/<caption>(Summary|Compared metrics)/);
    expect(html).toContain('availability');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });
});

describe('report.html of a plan', () => {
  it('opens in headless Chromium without console errors or network requests, every chart drawn with marks', async (ctx) => {
    if (browser === undefined) return ctx.skip(noChromium ?? 'Chromium did not start');
    const page = await openReport(browser, folder('plan', 'report.html'));
    expect(page.errors).toEqual([]);
    expect(page.external).toEqual([]);
    expect(page.charts).toBeGreaterThanOrEqual(2);
    expect(page.marksPerChart.every((n) => n > 0), JSON.stringify(page.marksPerChart)).toBe(true);
    const html = readFileSync(folder('plan', 'report.html'), 'utf8');
    expect(html).toContain('The cheapest fleet that meets');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });
});

describe('report.html of a run with a crash', () => {
  it('keeps the fault labels above the plot visible (zoom clips the plot, not the labels)', async (ctx) => {
    if (browser === undefined) return ctx.skip(noChromium ?? 'Chromium did not start');
    const page = await browser.newPage();
    try {
      await page.goto(pathToFileURL(folder('run', 'report.html')).href);
      const label = page.locator('#chart-0 svg text', { hasText: /^crash server \d+$/ }).first();
      await label.waitFor({ state: 'attached', timeout: 30_000 });
      expect(await label.evaluate((t) => (t as unknown as { closest(selector: string): unknown }).closest('[clip-path]') === null)).toBe(true);
    } finally {
      await page.close();
    }
  });

  it('captions each chart with what it shows, not only its file name', () => {
    const captions = [...readFileSync(folder('run', 'report.html'), 'utf8').matchAll(/<figcaption>([^<]*)</g)].map((m) => (m[1] ?? '').trim());
    expect(captions.length).toBeGreaterThanOrEqual(2);
    for (const c of captions) expect(c).toMatch(/^[A-Z][a-z]+ .{10,}/);
  });
});

describe('the sweep report', () => {
  it('shows means with confidence intervals', () => {
    expect(readFileSync(folder('sweep', 'report.html'), 'utf8')).toMatch(/<td>[\d.,]+ ± [\d.,]+<\/td>/);
  });
});

describe.each(['run', 'sweep'])('every chart spec of a %s folder', (kind) => {
  it('validates against the vega-lite schema', () => {
    const specs = listFiles(folder(kind)).filter((f) => f.endsWith('.vl.json'));
    expect(specs.length).toBeGreaterThan(0);
    for (const f of specs) expect(vlSchemaErrors(JSON.parse(readFileSync(folder(kind, f), 'utf8')) as VlSpec), f).toEqual([]);
  });
});
