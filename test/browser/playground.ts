/**
 * The playground (dist/playground, served by `wsfleet playground`) in headless Chromium: nothing leaves
 * the page, every lesson runs and draws, the summary is byte for byte the CLI's, knobs, the URL, the
 * YAML pane, labels and the keyboard, and "Compare with…".
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { parse } from 'yaml';
import { repoRoot, STACK_LINE, wsfleet } from '../cli/cli.js';
import { startPlayground, stopPlayground, type Served } from '../cli/playground-server.js';
import { chromiumMissing, launchChromium } from './chromium.js';

const noChromium = chromiumMissing();

/** experiments/*.yaml stems: the lessons the page must offer. */
const LESSONS = readdirSync(join(repoRoot, 'experiments'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();

/** Client scales that keep every lesson to a second or two of wall time (`million` has 1,000,000 clients). */
const SCALE: Readonly<Record<string, number>> = { million: 0.0005 };
const DEFAULT_SCALE = 0.01;
/** Generous: a run's wall time on a loaded 2-core machine, not a speed requirement. */
const RUN_TIMEOUT = 45_000;

let server: Served | undefined;
let browser: BrowserContext | undefined;
let close: (() => Promise<void>) | undefined;
let work: string | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wsfleet-playground-'));
  server = await startPlayground();
  if (noChromium === null) ({ browser, close } = await launchChromium());
}, 60_000);

// Runs even when beforeAll failed half-way: whatever was started is stopped.
afterAll(async () => {
  try {
    await close?.();
  } finally {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
    if (server !== undefined) {
      const exit = await stopPlayground(server, 'SIGINT');
      // Ctrl-C is how a user stops it: exit code 130, nothing on stderr.
      expect(exit).toEqual({ code: 130, signal: null });
      expect(server.stderr()).toBe('');
    }
  }
}, 30_000);

function origin(): string {
  if (server === undefined) throw new Error('beforeAll did not start the playground server');
  return server.url;
}

/** What a page did that it must not: console errors, uncaught exceptions, requests outside its origin. */
interface Watched {
  page: Page;
  errors: string[];
  external: string[];
  /** Every request the page (or its worker) made to its own origin. */
  local: string[];
}

/** A new page, watched, with `#hash` opened on the server; the run it prepares is paused. */
async function openPage(hash: string): Promise<Watched> {
  if (browser === undefined) throw new Error(noChromium ?? 'Chromium did not start');
  const base = origin();
  const page = await browser.newPage();
  const watched: Watched = { page, errors: [], external: [], local: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') watched.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => watched.errors.push(`pageerror: ${String(e)}`));
  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith(base)) {
      watched.local.push(url);
      await route.continue();
    } else if (url.startsWith('data:') || url.startsWith('blob:')) await route.continue();
    else {
      watched.external.push(url);
      await route.abort();
    }
  });
  try {
    await page.goto(base + hash);
    await expect.poll(() => status(page), { timeout: 20_000 }).toBe('paused');
  } catch (error) {
    await page.close();
    throw error;
  }
  return watched;
}

/** Runs `body` on a watched page, then asserts the page stayed clean and closes it (also on failure). */
async function withPage(hash: string, body: (page: Page, watched: Watched) => Promise<void>): Promise<void> {
  const watched = await openPage(hash);
  try {
    await body(watched.page, watched);
    expect(watched.errors).toEqual([]);
    expect(watched.external).toEqual([]);
  } finally {
    await watched.page.close();
  }
}

/** Skips the test, with the reason, when there is no Chromium to run it in. */
function needChromium(ctx: TestContext): void {
  if (browser === undefined) ctx.skip(noChromium ?? 'Chromium did not start');
}

const status = (page: Page): Promise<string | null> => page.locator('#status').getAttribute('data-state');
const text = async (locator: Locator): Promise<string> => (await locator.textContent()) ?? '';

/** Waits until the run shown has finished (or failed: then its message is in the assertion). */
async function runToDone(page: Page): Promise<void> {
  await expect
    .poll(async () => {
      const state = await status(page);
      return state === 'error' || state === 'invalid' ? `${state}: ${await text(page.locator('#status'))}` : state;
    }, { timeout: RUN_TIMEOUT, interval: 100 })
    .toBe('done');
}

/** Marks drawn in each figure of a charts column, once every figure has drawn (vega-embed draws asynchronously). */
async function marksPerFigure(page: Page, column: '#charts-a' | '#charts-b'): Promise<number[]> {
  const figures = page.locator(`${column} figure.chart`);
  const n = await figures.count();
  const marks: number[] = [];
  for (let k = 0; k < n; k++) {
    const inFigure = figures.nth(k).locator('.view svg .role-mark > *');
    await inFigure
      .first()
      .waitFor({ state: 'attached', timeout: 20_000 })
      .catch(() => undefined);
    marks.push(await inFigure.count());
  }
  return marks;
}

/** Splits a POSIX shell command line as `runCommand` quotes it: words, single quotes, backslash escapes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unbalanced quote in ${line}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '\\') {
      word = (word ?? '') + line.charAt(i + 1);
      i += 1;
    } else if (c === ' ' || c === '\n') {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? '') + c;
  }
  if (word !== null) words.push(word);
  return words;
}

/** summary.json as `wsfleet run` writes it, the arguments taken from the page's #command. */
function cliSummary(command: string, name: string): string {
  if (work === undefined) throw new Error('beforeAll did not create the work folder');
  const words = shellWords(command);
  expect(words.slice(0, 2)).toEqual(['wsfleet', 'run']);
  const out = join(work, name);
  const r = wsfleet(['run', ...words.slice(2), '--out', out, '--quiet']);
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(join(out, 'summary.json'), 'utf8');
}

/** The charts a lesson's YAML lists (the two every fleet has when it lists none). */
function chartsListed(lesson: string): number {
  const data = parse(readFileSync(join(repoRoot, 'experiments', `${lesson}.yaml`), 'utf8')) as { charts?: unknown[] };
  return data.charts?.length ?? 2;
}

/** The accessible name Chromium's accessibility tree gives an element (Playwright's aria snapshot), or null. */
async function accessibleName(locator: Locator): Promise<string | null> {
  const snapshot = await locator.ariaSnapshot();
  const m = /^- [\w-]+ "((?:[^"\\]|\\.)*)"/.exec(snapshot);
  return m?.[1] ?? null;
}

/** The values of a select's options, in order. */
async function optionValues(select: Locator): Promise<string[]> {
  const options = select.locator('option');
  const values: string[] = [];
  for (let k = 0, n = await options.count(); k < n; k++) values.push((await options.nth(k).getAttribute('value')) ?? '');
  return values;
}

/** Sets a number knob the way a user does: type, then commit (the input's change event). */
async function setNumber(page: Page, path: string, value: number): Promise<void> {
  const input = page.locator(`.knob[data-path="${path}"] input[type=number]`);
  await input.fill(String(value));
  await input.dispatchEvent('change');
}

/** The page's own tests: loading, runs that match the CLI byte for byte, editing, accessibility, comparing. */
export function playgroundPage(): void {
describe('the playground page', () => {
  it('loads with every lesson, its question and a paused run, and requests nothing outside its origin', async (ctx) => {
    needChromium(ctx);
    await withPage('#lesson=reconnect-storm&scale=0.05&speed=0', async (page, watched) => {
      expect(await optionValues(page.locator('#lesson'))).toEqual(LESSONS);
      expect(await page.locator('#lesson').inputValue()).toBe('reconnect-storm');
      const lesson = parse(readFileSync(join(repoRoot, 'experiments', 'reconnect-storm.yaml'), 'utf8')) as { question: string; lookAt: string };
      expect(await text(page.locator('#question'))).toBe(lesson.question);
      expect(await text(page.locator('#lookat'))).toBe(lesson.lookAt);
      expect(await page.locator('#yaml').inputValue()).toBe(readFileSync(join(repoRoot, 'experiments', 'reconnect-storm.yaml'), 'utf8'));
      expect(await text(page.locator('#play'))).toBe('Play');
      expect(await page.locator('#scale').inputValue()).toBe('0.05');
      expect(await page.locator('#speed').inputValue()).toBe('0');
      expect(await text(page.locator('#command'))).toBe('wsfleet run experiments/reconnect-storm.yaml --scale 0.05');
      expect(await page.locator('#column-b').isHidden()).toBe(true);
      expect(await page.locator('.knob').count()).toBeGreaterThan(10);
      // The route saw the page's own requests: the document, its script and its run worker.
      await page.click('#play');
      await runToDone(page);
      expect(watched.local.some((u) => u === origin() || u.startsWith(origin() + '#'))).toBe(true);
      expect(watched.local.some((u) => /\/assets\/index-[^/]+\.js$/.test(u))).toBe(true);
      expect(watched.local.some((u) => /\/assets\/worker-[^/]+\.js$/.test(u)), watched.local.join('\n')).toBe(true);
    });
  });


  describe('same seed, same numbers: #summary-json is byte for byte the summary.json of the #command', () => {
    it('for reconnect-storm at scale 0.05', async (ctx) => {
      needChromium(ctx);
      await withPage('#lesson=reconnect-storm&scale=0.05&speed=0', async (page) => {
        await page.click('#play');
        await runToDone(page);
        const command = await text(page.locator('#command'));
        expect(command).toBe('wsfleet run experiments/reconnect-storm.yaml --scale 0.05');
        expect(await text(page.locator('#summary-json'))).toBe(cliSummary(command, 'storm'));
      });
    });

    // Lognormal handshake costs (exp, log, cos) and ramp arrivals (pow): with Math.* these differed
    // between Node 20 and Chromium in the last bit; src/numeric/fmath.ts makes them agree.
    it.for(['fleet.servers=12', 'fleet.servers=7'])('for reconnect-storm with %s at scale 0.05', async (set, ctx) => {
      needChromium(ctx);
      await withPage(`#lesson=reconnect-storm&set=${encodeURIComponent(set)}&scale=0.05&speed=0`, async (page) => {
        await page.click('#play');
        await runToDone(page);
        const command = await text(page.locator('#command'));
        expect(command).toBe(`wsfleet run experiments/reconnect-storm.yaml --set ${set} --scale 0.05`);
        expect(await text(page.locator('#summary-json'))).toBe(cliSummary(command, `storm-${set.slice(-2)}`));
      });
    });

    it('for a variant of backoff-sweep chosen with its grid knob, at scale 0.02', async (ctx) => {
      needChromium(ctx);
      await withPage('#lesson=backoff-sweep&scale=0.02&speed=0', async (page) => {
        const baseMs = page.locator('#knob-clients-reconnect-full-jitter-baseMs');
        await baseMs.selectOption({ label: '250' });
        await runToDone(page);
        const command = await text(page.locator('#command'));
        expect(command).toBe('wsfleet run experiments/backoff-sweep.yaml --no-sweep --set clients.reconnect.full-jitter.baseMs=250 --scale 0.02');
        expect(await text(page.locator('#summary-json'))).toBe(cliSummary(command, 'sweep-base'));
      });
    });

    it('for backoff-sweep with its reconnect strategy switched (a quoted --set), at scale 0.02', async (ctx) => {
      needChromium(ctx);
      await withPage('#lesson=backoff-sweep&scale=0.02&speed=0', async (page) => {
        const strategy = page.locator('#knob-clients-reconnect');
        const other = (await optionValues(strategy)).find((v) => v !== 'full-jitter');
        expect(other).toBeDefined();
        await strategy.selectOption(other ?? '');
        await runToDone(page);
        const command = await text(page.locator('#command'));
        expect(command).toContain(`--set 'clients.reconnect={ ${other ?? ''}: {} }'`);
        expect(await text(page.locator('#summary-json'))).toBe(cliSummary(command, 'sweep-strategy'));
      });
    });
  });

  it('re-runs when a knob changes, with a different summary and the change in the URL', async (ctx) => {
    needChromium(ctx);
    await withPage('#lesson=reconnect-storm&scale=0.05&speed=0', async (page) => {
      await page.click('#play');
      await runToDone(page);
      const before = await text(page.locator('#summary-json'));
      // At 1 s of virtual time per second the restarted run is still running when it is looked at.
      await page.selectOption('#speed', '1000');
      await setNumber(page, 'fleet.servers', 12);
      expect(await status(page)).toBe('running');
      expect(await text(page.locator('#play'))).toBe('Pause');
      expect(await text(page.locator('#summary-json'))).toBe('');
      expect(new URL(page.url()).hash).toContain('set=fleet.servers%3D12');
      expect(await page.locator('#yaml').inputValue()).toMatch(/^ {2}servers: 12$/m);
      expect(await page.locator('.knob[data-path="fleet.servers"]').getAttribute('class')).toContain('changed');
      expect(await text(page.locator('#command'))).toBe('wsfleet run experiments/reconnect-storm.yaml --set fleet.servers=12 --scale 0.05');
      await page.selectOption('#speed', '0');
      await runToDone(page);
      const after = await text(page.locator('#summary-json'));
      expect(after).not.toBe('');
      expect(after).not.toBe(before);
    });
  });

  it('opens the URL after a knob change with the same knobs, YAML and command', async (ctx) => {
    needChromium(ctx);
    let shared = '';
    let yaml = '';
    let command = '';
    let strategy = '';
    await withPage('#lesson=reconnect-storm&scale=0.05&speed=0', async (page) => {
      await setNumber(page, 'fleet.servers', 7);
      const select = page.locator('#knob-balancer-strategy');
      const current = await select.inputValue();
      strategy = (await optionValues(select)).find((v) => v !== current) ?? '';
      expect(strategy).not.toBe('');
      await select.selectOption(strategy);
      shared = page.url();
      yaml = await page.locator('#yaml').inputValue();
      command = await text(page.locator('#command'));
    });
    expect(new URL(shared).hash).toContain('set=fleet.servers%3D7');
    expect(new URL(shared).hash).toContain(`set=balancer.strategy%3D${strategy}`);
    expect(yaml).toMatch(/^ {2}servers: 7$/m);
    await withPage(new URL(shared).hash, async (page) => {
      expect(await page.locator('#knob-fleet-servers').inputValue()).toBe('7');
      expect(await page.locator('#knob-balancer-strategy').inputValue()).toBe(strategy);
      expect(await page.locator('#yaml').inputValue()).toBe(yaml);
      expect(await text(page.locator('#command'))).toBe(command);
      expect(await page.locator('#scale').inputValue()).toBe('0.05');
      expect(page.url()).toBe(shared);
    });
  });

  it('shows a bad YAML with the CLI messages and does not run it', async (ctx) => {
    needChromium(ctx);
    const original = readFileSync(join(repoRoot, 'experiments', 'reconnect-storm.yaml'), 'utf8');
    const serversLine = original.split('\n').findIndex((l) => l === '  servers: 10') + 1;
    expect(serversLine).toBeGreaterThan(0);
    /** What `wsfleet validate reconnect-storm.yaml` prints for the text, from the folder holding it. */
    const cliIssues = (yaml: string): string => {
      const dir = mkdtempSync(join(work ?? tmpdir(), 'validate-'));
      writeFileSync(join(dir, 'reconnect-storm.yaml'), yaml);
      const r = wsfleet(['validate', join(dir, 'reconnect-storm.yaml')]);
      expect(r.status).toBe(2);
      expect(r.stderr).not.toMatch(STACK_LINE);
      return r.stderr
        .split('\n')
        .filter((l) => l.startsWith('✖ '))
        .map((l) => l.replace(`${join(dir, 'reconnect-storm.yaml')}:`, 'reconnect-storm.yaml:'))
        .join('\n');
    };
    await withPage('#lesson=reconnect-storm&scale=0.05&speed=0', async (page) => {
      const box = page.locator('#yaml');
      const errors = page.locator('#yaml-errors');
      expect(await text(errors)).toBe('');
      const hash = new URL(page.url()).hash;

      const negative = original.replace('servers: 10', 'servers: -3');
      await box.fill(negative);
      await expect.poll(() => text(errors)).not.toBe('');
      const shown = await text(errors);
      expect(shown).toMatch(new RegExp(`^✖ reconnect-storm\\.yaml:${String(serversLine)}:3 fleet\\.servers: expected .*-3`));
      expect(shown).toBe(cliIssues(negative));
      expect(await box.getAttribute('aria-invalid')).toBe('true');
      await page.click('#apply-yaml');
      expect(await status(page)).toBe('paused');
      expect(await text(page.locator('#summary-json'))).toBe('');
      expect(await text(errors)).toBe(shown);
      expect(new URL(page.url()).hash).toBe(hash);

      const unbalanced = original.replace('servers: 10', 'servers: { 10');
      await box.fill(unbalanced);
      await expect.poll(() => text(errors)).toContain('invalid YAML');
      expect(await text(errors)).toMatch(/^✖ reconnect-storm\.yaml:\d+:\d+ invalid YAML: /);
      expect(await text(errors)).toBe(cliIssues(unbalanced));
      await page.click('#apply-yaml');
      expect(await status(page)).toBe('paused');
      expect(new URL(page.url()).hash).toBe(hash);

      // The same button does start a valid edit: the checks above could see a start.
      await box.fill(original.replace('servers: 10', 'servers: 11'));
      await page.click('#apply-yaml');
      expect(await text(errors)).toBe('');
      expect(await box.getAttribute('aria-invalid')).toBe('false');
      expect(['running', 'done']).toContain(await status(page));
      expect(new URL(page.url()).hash).toContain('yaml=');
      expect(await text(page.locator('#command'))).toMatch(/^# download the experiment, then:\nwsfleet run reconnect-storm-edited\.yaml --scale 0\.05$/);
      await runToDone(page);
    });
  });

  it('names every control for assistive technology, and plays from the keyboard', async (ctx) => {
    needChromium(ctx);
    await withPage('#lesson=reconnect-storm&scale=0.05&speed=0', async (page) => {
      const controls = page.locator('input, select, textarea, button');
      const n = await controls.count();
      expect(n).toBeGreaterThan(20);
      const unnamed: string[] = [];
      for (let k = 0; k < n; k++) {
        const control = controls.nth(k);
        const name = await accessibleName(control);
        if (name === null || name.trim() === '') unnamed.push(await control.evaluate((el: { outerHTML: string }) => el.outerHTML.slice(0, 160)));
      }
      expect(unnamed).toEqual([]);
      // A knob's input is named by its path, its slider by the path too.
      expect(await accessibleName(page.locator('#knob-fleet-servers'))).toBe('fleet.servers');
      expect(await accessibleName(page.locator('.knob[data-path="fleet.servers"] input[type=range]'))).toBe('fleet.servers (slider)');
      expect(await accessibleName(page.locator('#yaml'))).toBe('Experiment YAML');

      let focused: string | null = null;
      for (let presses = 0; presses < 30 && focused !== 'play'; presses++) {
        await page.keyboard.press('Tab');
        focused = await page.locator(':focus').getAttribute('id');
      }
      expect(focused).toBe('play');
      await page.keyboard.press('Enter');
      expect(['running', 'done']).toContain(await status(page));
      await runToDone(page);
    });
  });

  it('compares with one knob changed: a second column, three summary columns, a different summary', async (ctx) => {
    needChromium(ctx);
    await withPage('#lesson=reconnect-storm&scale=0.05&speed=0', async (page) => {
      await page.selectOption('#compare-knob', 'fleet.servers');
      await page.fill('#compare-value', '5');
      await page.click('#compare');
      expect(new URL(page.url()).hash).toContain('compare=fleet.servers%3D5');
      await runToDone(page);
      await page.locator('#summary-json-b:not(:empty)').waitFor({ state: 'attached', timeout: RUN_TIMEOUT });
      expect(await page.locator('#column-b').isVisible()).toBe(true);
      expect(await text(page.locator('#title-b'))).toBe('Compared run: fleet.servers=5');
      const marksA = await marksPerFigure(page, '#charts-a');
      const marksB = await marksPerFigure(page, '#charts-b');
      expect(marksB.length).toBe(marksA.length);
      expect(marksB.length).toBe(chartsListed('reconnect-storm'));
      expect(marksB.every((m) => m > 0), JSON.stringify(marksB)).toBe(true);
      expect(await page.locator('#summary thead th').allTextContents()).toEqual(['metric', 'this run', 'fleet.servers=5']);
      const rows = page.locator('#summary tbody tr');
      expect(await rows.count()).toBeGreaterThan(5);
      expect(await rows.first().locator('td').count()).toBe(3);
      expect(await page.locator('#summary tbody tr.differs').count()).toBeGreaterThan(0);
      const a = await text(page.locator('#summary-json'));
      const b = await text(page.locator('#summary-json-b'));
      expect(b).not.toBe('');
      expect(b).not.toBe(a);
      // The compared run is the lesson with that one --set: the CLI agrees byte for byte.
      expect(b).toBe(cliSummary('wsfleet run experiments/reconnect-storm.yaml --set fleet.servers=5 --scale 0.05', 'compare-b'));
      expect(a).toBe(cliSummary(await text(page.locator('#command')), 'compare-a'));

      await page.click('#compare-off');
      expect(await page.locator('#column-b').isHidden()).toBe(true);
      expect(new URL(page.url()).hash).not.toContain('compare=');
      await runToDone(page);
    });
  });
});
}

/**
 * Every lesson run in the page to the end, part `part` of `parts` (every `parts`-th lesson in name order): split over
 * test files so two Chromium pages run lessons side by side on the two cores.
 */
export function playgroundLessons(part: number, parts: number): void {
describe('the playground page', () => {
  it.for(LESSONS.filter((_, k) => k % parts === part))('runs the lesson %s to the end and draws every chart with marks', async (lesson, ctx) => {
    needChromium(ctx);
    const scale = SCALE[lesson] ?? DEFAULT_SCALE;
    await withPage(`#lesson=${lesson}&scale=${String(scale)}&speed=0`, async (page) => {
      expect(await page.locator('#lesson').inputValue()).toBe(lesson);
      await page.click('#play');
      await runToDone(page);
      const marks = await marksPerFigure(page, '#charts-a');
      expect(marks.length).toBe(chartsListed(lesson));
      expect(marks.every((n) => n > 0), JSON.stringify(marks)).toBe(true);
      expect(await text(page.locator('#summary-json'))).toMatch(/^\{\n {2}"/);
      expect(await page.locator('#progress').getAttribute('value')).toBe('1');
    });
  });
});
}
