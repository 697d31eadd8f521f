/**
 * Fuzzing the input side: random experiment trees, mutated experiments from experiments/, random
 * `--set` strings and damaged result folders. Whatever comes in, wsfleet answers with a result or
 * an input error (exit 2): never a crash, never a stack trace, never a write outside the out
 * folder, never a deleted user file. In-process entry points carry most cases; the CLI a sample.
 * Fixed seed; WSFLEET_FUZZ_RUNS=N runs N cases per property instead of the default.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/experiment/index.js';
import { chartNames } from '../../src/report/fleet-charts.js';
import { InputError } from '../../src/cli/errors.js';
import { parseDistributions, parseEvents, parseRunRecord, parseSummary, parseTimeseries } from '../../src/cli/result-files.js';
import { cliPath, listFiles, repoRoot, STACK_LINE } from './cli.js';

const RUNS = Number(process.env.WSFLEET_FUZZ_RUNS ?? 200);
const params = (numRuns = RUNS): fc.Parameters<unknown> => ({ seed: 20_260_101, numRuns });

const TINY = {
  name: 'tiny',
  question: 'does a tiny fleet start?',
  seed: 3,
  durationMs: 4000,
  fleet: { servers: 2, server: { profile: 'node-ws-plain' } },
  clients: { arrivals: { ramp: { clients: 20, overMs: 1000 } } },
};

let work: string;
let result: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wsfleet-fuzz-'));
  result = join(work, 'result');
  const r = spawnSync(process.execPath, [cliPath, 'run', writeYaml('base', TINY), '--out', result, '--quiet'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

let counter = 0;
function writeYaml(name: string, value: unknown): string {
  const file = join(work, `${name}-${String(counter++)}.yaml`);
  writeFileSync(file, typeof value === 'string' ? value : stringify(value));
  return file;
}

/** Loads and checks the outcome: a result or located issues, nothing thrown, no prototype touched. */
function loadsCleanly(file: string, sets: string[] = []): void {
  const r = loadExperiment(file, { sets, chartNames: chartNames() });
  if (!r.ok) {
    expect(r.issues.length).toBeGreaterThan(0);
    for (const i of r.issues) expect(typeof i.message).toBe('string');
  }
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect(Object.keys(Array.prototype)).toEqual([]);
}

/** Keys that experiments use, plus ones that should be refused. */
const KEY = fc.constantFrom('fleet', 'servers', 'server', 'processes', 'coresPerProcess', 'clients', 'arrivals', 'ramp', 'poisson', 'ratePerSec', 'faults', 'crash', 'flash-crowd', 'atMs', 'messages', 'channels', 'sweep', 'grid', 'durationMs', 'sampleIntervalMs', '__proto__', 'constructor', 'prototype', '0', '1', '-1', '99', 'x');
const SCALAR = fc.oneof(
  fc.integer({ min: -5, max: 20 }),
  fc.constantFrom(0, 1e9, 1e15, -1e15, Number.MAX_SAFE_INTEGER, 0.5, 16_000_000),
  fc.constantFrom('random', 'forever', 'immediate', 'round-robin', 'x', ''),
  fc.boolean(),
  fc.constant(null),
);
const TREE = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, SCALAR, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(KEY, tie('node'), { maxKeys: 4 })),
})).node;

describe('fuzz: experiments and --set flags (in process)', () => {
  it('random experiment trees load or come back as issues', () => {
    fc.assert(
      fc.property(fc.dictionary(KEY, TREE, { maxKeys: 6 }), (extra) => {
        loadsCleanly(writeYaml('tree', { ...TINY, ...extra }));
      }),
      params(),
    );
  });

  it('mutated experiments from experiments/ load or come back as issues', () => {
    const files = readdirSync(join(repoRoot, 'experiments')).filter((f) => f.endsWith('.yaml'));
    const texts = files.map((f) => readFileSync(join(repoRoot, 'experiments', f), 'utf8'));
    const mutation = fc.record({
      file: fc.nat({ max: texts.length - 1 }),
      kind: fc.constantFrom('drop-line', 'dup-line', 'number', 'truncate', 'indent', 'alias'),
      at: fc.nat(),
      value: fc.constantFrom('0', '-1', '1e308', '.inf', '.nan', '99999999999', 'null', '[]', '{}', '*a', '&a x'),
    });
    fc.assert(
      fc.property(mutation, ({ file, kind, at, value }) => {
        const lines = (texts[file] as string).split('\n');
        const k = at % lines.length;
        if (kind === 'drop-line') lines.splice(k, 1);
        if (kind === 'dup-line') lines.splice(k, 0, lines[k] as string);
        if (kind === 'number') lines[k] = (lines[k] as string).replace(/\d+(\.\d+)?/, value);
        if (kind === 'indent') lines[k] = `  ${lines[k] as string}`;
        if (kind === 'alias') lines[k] = `${lines[k] as string} ${value}`;
        const text = kind === 'truncate' ? lines.join('\n').slice(0, at % (lines.join('\n').length + 1)) : lines.join('\n');
        loadsCleanly(writeYaml('mutated', text));
      }),
      params(),
    );
  });

  it('random --set strings are applied or refused, never thrown, and never touch a prototype', () => {
    const base = writeYaml('base', TINY);
    const path = fc.array(fc.oneof(KEY, fc.string({ maxLength: 4 })), { minLength: 0, maxLength: 5 }).map((p) => p.join('.'));
    const value = fc.oneof(fc.string({ maxLength: 12 }), SCALAR.map((v) => JSON.stringify(v)), fc.constantFrom('{poisson: {ratePerSec: 1e9}}', '[*a]', '&a [*a]', '{', ': :'));
    const set = fc.oneof(fc.tuple(path, value).map(([p, v]) => `${p}=${v}`), fc.string({ maxLength: 20 }));
    fc.assert(
      fc.property(fc.array(set, { maxLength: 4 }), (sets) => {
        loadsCleanly(base, sets);
      }),
      params(),
    );
  });
});

/** Damages a text: truncation, a flipped character, a header or cell replaced. */
const DAMAGE = fc.record({
  kind: fc.constantFrom('truncate', 'flip', 'header', 'cell', 'empty', 'garbage'),
  at: fc.nat(),
  text: fc.string({ maxLength: 8 }),
});

function damage(text: string, d: { kind: string; at: number; text: string }): string {
  const k = d.at % (text.length + 1);
  switch (d.kind) {
    case 'truncate':
      return text.slice(0, k);
    case 'flip':
      return text.slice(0, k) + d.text + text.slice(k + 1);
    case 'header':
      return d.text + text.slice(text.indexOf('\n'));
    case 'cell':
      return text.replace(/-?\d+(\.\d+)?/, d.text);
    case 'empty':
      return '';
    default:
      return d.text;
  }
}

/** Runs a reader on damaged text: it returns, or throws an input error; anything else fails. */
function readsOrRefuses(read: () => unknown): void {
  try {
    read();
  } catch (error) {
    expect(error, String((error as Error).stack)).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^✖ /);
  }
}

describe('fuzz: damaged result folders', () => {
  it('damaged data files are read or refused as input errors naming the file (in process)', () => {
    const files = ['timeseries.csv', 'events.csv', 'summary.json', 'distributions.csv'] as const;
    const texts = Object.fromEntries(files.map((f) => [f, readFileSync(join(result, f), 'utf8')]));
    const readers: Record<(typeof files)[number], (file: string, text: string) => unknown> = {
      'timeseries.csv': parseTimeseries,
      'events.csv': parseEvents,
      'summary.json': parseSummary,
      'distributions.csv': parseDistributions,
    };
    fc.assert(
      fc.property(fc.constantFrom(...files), DAMAGE, (name, d) => {
        readsOrRefuses(() => readers[name](name, damage(texts[name] as string, d)));
      }),
      params(),
    );
  });

  it('damaged run records are read or refused as input errors', () => {
    const record = JSON.stringify({ variant: 0, label: 'a', replication: 0, seed: 1, summary: { availability: 1 }, timeseries: { columns: ['t'], rows: [[1]] }, events: [], distributions: { x: [{ percentile: 50, valueMs: 1 }] } });
    fc.assert(
      fc.property(DAMAGE, (d) => {
        readsOrRefuses(() => parseRunRecord('runs/v0001-r0000.json', 'v0001-r0000.json', damage(record, d)));
      }),
      params(),
    );
  });

  it('the CLI reports on a sample of damaged folders with exit 0 or 2, no stack trace, user files kept, nothing written beside', () => {
    const cases = fc.sample(fc.tuple(fc.constantFrom('timeseries.csv', 'events.csv', 'summary.json', 'experiment.resolved.yaml'), DAMAGE), { seed: 7, numRuns: Math.max(3, Math.round(RUNS / 60)) });
    for (const [k, [name, d]] of cases.entries()) {
      const parent = join(work, `cli-${String(k)}`);
      const dir = join(parent, 'result');
      cpSync(result, dir, { recursive: true });
      writeFileSync(join(dir, 'notes.txt'), 'user notes');
      writeFileSync(join(dir, name), damage(readFileSync(join(result, name), 'utf8'), d));
      const before = listFiles(dir).filter((f) => !/^(charts\/|report\.html|\.wsfleet-files)/.test(f));
      const r = spawnSync(process.execPath, [cliPath, 'report', `${dir}/`], { encoding: 'utf8', cwd: parent, timeout: 120_000 });
      expect([0, 2], r.stderr).toContain(r.status);
      expect(r.stderr).not.toMatch(STACK_LINE);
      expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('user notes');
      expect(readdirSync(parent)).toEqual(['result']);
      for (const f of before) expect(existsSync(join(dir, f)), f).toBe(true);
    }
  }, 300_000);
});
