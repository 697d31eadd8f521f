import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssues, loadExperiment } from '../../src/experiment/index.js';
import { chartNames } from '../../src/report/fleet-charts.js';
import { loadRealExperiment } from '../../src/cli/real.js';
import { cliPath, listFiles, STACK_LINE, type CliResult } from './cli.js';

/** A run of a second or so. */
const TINY = `name: tiny
question: does a tiny fleet start?
seed: 5
durationMs: 5000
fleet:
  servers: 2
  server: { profile: node-ws-plain }
clients:
  arrivals: { ramp: { clients: 20, overMs: 1000 } }
charts: [clients]
`;

const TINY_SWEEP = `${TINY}sweep:
  grid:
    fleet.servers: [2, 3]
`;

let work: string;
let tiny: string;
let tinySweep: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wsfleet-safety-'));
  tiny = join(work, 'tiny.yaml');
  tinySweep = join(work, 'tiny-sweep.yaml');
  writeFileSync(tiny, TINY);
  writeFileSync(tinySweep, TINY_SWEEP);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The built CLI run from `cwd` (the work folder unless told). */
function cli(args: readonly string[], cwd = work): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectInputError(r: CliResult, pattern: RegExp): void {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(r.stderr).not.toContain('internal error');
}

function runTiny(out: string, extra: readonly string[] = []): void {
  const r = cli(['run', tiny, '--out', out, '--quiet', ...extra]);
  expect(r.status, r.stderr).toBe(0);
}

describe('result folders are replaced atomically and never lose what wsfleet did not write', () => {
  it('wsfleet report DIR/ with a trailing slash redraws the folder in place and keeps it', () => {
    const out = join(work, 'slash');
    runTiny(out);
    const before = listFiles(out);
    const r = cli(['report', `${out}/`, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(listFiles(out)).toEqual(before);
    expect(readdirSync(work).filter((f) => f.startsWith('slash'))).toEqual(['slash']);
  });

  it('wsfleet run --out EXISTING/ on a sweep replaces it, runs/ included, with no folder left beside it', () => {
    const out = join(work, 'sweep-slash');
    const first = cli(['run', tinySweep, '--out', out, '--quiet']);
    expect(first.status, first.stderr).toBe(0);
    const r = cli(['run', tinySweep, '--out', `${out}/`, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(join(out, 'runs')).sort()).toEqual(['v0001-r0000.json', 'v0002-r0000.json']);
    expect(readdirSync(work).filter((f) => f.startsWith('sweep-slash'))).toEqual(['sweep-slash']);
  });

  it('refuses with exit 2 to replace a result folder holding a user file or sub-folder, and --force replaces it', () => {
    const out = join(work, 'user-files');
    runTiny(out);
    writeFileSync(join(out, 'notes.txt'), 'my notes');
    mkdirSync(join(out, 'mine'));
    writeFileSync(join(out, 'mine', 'plot.py'), 'print(1)');
    const before = listFiles(out);
    const r = cli(['run', tiny, '--out', out, '--quiet']);
    expectInputError(r, /--out .*user-files: the folder holds files wsfleet did not write \(mine\/plot\.py, notes\.txt\).*--force/);
    expect(listFiles(out)).toEqual(before);
    runTiny(out, ['--force']);
    expect(existsSync(join(out, 'notes.txt'))).toBe(false);
  });

  it('refuses a folder that wsfleet did not write at all, and accepts one written before the manifest existed', () => {
    const theirs = join(work, 'theirs');
    mkdirSync(theirs);
    writeFileSync(join(theirs, 'thesis.tex'), '\\documentclass{article}');
    expectInputError(cli(['run', tiny, '--out', theirs, '--quiet']), /is not a wsfleet result folder \(thesis\.tex\)/);
    expect(readFileSync(join(theirs, 'thesis.tex'), 'utf8')).toBe('\\documentclass{article}');
    const old = join(work, 'old-result');
    runTiny(old);
    unlinkSync(join(old, '.wsfleet-files'));
    runTiny(old);
    expect(existsSync(join(old, '.wsfleet-files'))).toBe(true);
  });

  it('wsfleet report rewrites only its charts and page: user files and data files stay', () => {
    const out = join(work, 'report-keeps');
    runTiny(out);
    writeFileSync(join(out, 'notes.txt'), 'keep me');
    writeFileSync(join(out, 'charts', 'my-chart.png'), 'mine');
    const r = cli(['report', out, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(readFileSync(join(out, 'charts', 'my-chart.png'), 'utf8')).toBe('mine');
  });

  it('the default folder is results/<name>-<seed> as written, and gets a hash of the experiment with --set or --scale', () => {
    const cwd = mkdtempSync(join(work, 'cwd-'));
    expect(cli(['run', tiny, '--quiet'], cwd).status).toBe(0);
    expect(cli(['run', tiny, '--quiet', '--set', 'fleet.servers=3'], cwd).status).toBe(0);
    expect(cli(['run', tiny, '--quiet', '--scale', '0.5'], cwd).status).toBe(0);
    const names = readdirSync(join(cwd, 'results')).sort();
    expect(names).toHaveLength(3);
    expect(names).toContain('tiny-5');
    for (const n of names.filter((x) => x !== 'tiny-5')) expect(n).toMatch(/^tiny-5-[0-9a-f]{8}$/);
  });
});

describe('damaged result folders are input errors naming the file', () => {
  function damaged(name: string, file: string, edit: (text: string) => string): string {
    const out = join(work, name);
    runTiny(out);
    writeFileSync(join(out, file), edit(readFileSync(join(out, file), 'utf8')));
    return out;
  }

  it('a truncated timeseries.csv names the file and the line', () => {
    const out = damaged('truncated', 'timeseries.csv', (t) => t.slice(0, Math.floor(t.length * 0.6)));
    expectInputError(cli(['report', out]), /timeseries\.csv: (invalid CSV: .*line \d+|row \d+, column .*)/);
  });

  it('a cell that is not a number names the row and column', () => {
    const out = damaged('bad-cell', 'timeseries.csv', (t) => t.replace(/\n(\d+),/, '\nsoon,'));
    expectInputError(cli(['report', out]), /timeseries\.csv: row 2, column \S+: expected a number, got 'soon'/);
  });

  it('an invalid summary.json names the file', () => {
    const out = damaged('bad-summary', 'summary.json', (t) => t.slice(0, 20));
    expectInputError(cli(['report', out]), /summary\.json: invalid JSON/);
  });

  it('an events.csv with a wrong header is refused, not read as an empty table', () => {
    const out = damaged('bad-events', 'events.csv', (t) => t.replace('atMs,kind,detail', 'time,what'));
    expectInputError(cli(['report', out]), /events\.csv: header is 'time,what', expected 'atMs,kind,detail'/);
  });

  it('wsfleet merge names a damaged run record', () => {
    const shard = join(work, 'shard-1');
    expect(cli(['run', tinySweep, '--shard', '1/2', '--out', shard, '--quiet']).status).toBe(0);
    const record = join(shard, 'runs', 'v0001-r0000.json');
    writeFileSync(record, readFileSync(record, 'utf8').replace('"summary":{', '"summary":{"x":"y",'));
    const out = join(work, 'merged');
    expectInputError(cli(['merge', shard, '--out', out]), /v0001-r0000\.json: summary\.x: expected a number or null, got 'y'/);
    expect(existsSync(out)).toBe(false);
  });
});

function issuesOf(yaml: string, sets: string[] = []): string {
  const file = join(work, `case-${String(Math.random()).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const r = loadExperiment(file, { sets, chartNames: chartNames() });
  return r.ok ? '' : formatIssues(r.issues);
}

describe('malformed and oversized input is refused with its place named', () => {
  it('a YAML alias bomb is an error at its first alias, not a crash', () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdef'.split('').map((c, k) => `${c}: &${c} [${Array(10).fill(`*${'abcdef'[k] ?? ''}`).join(', ')}]`)];
    const file = join(work, 'bomb.yaml');
    writeFileSync(file, `name: bomb\n${rows.join('\n')}\n`);
    expectInputError(cli(['run', file]), /bomb\.yaml:3:\d+ invalid YAML: Excessive alias count/);
  });

  it.each([
    [['clients.arrivals={poisson: {ratePerSec: 1e9}}'], /clients\.arrivals: expected at most 16,000,000 clients arriving in one run/],
    [['faults=[{flash-crowd: {clients: 16000000, atMs: 1000}}]', 'messages={channels: 1000000}'], /faults\[0\]\.flash-crowd\.clients: expected at most 16,000,000 clients/],
    [['fleet.servers=100000', 'fleet.server.processes=256', 'fleet.server.coresPerProcess=256'], /fleet\.servers: expected at most 100,000 server processes/],
    [['fleet.servers=10000', 'fleet.server.coresPerProcess=256'], /fleet\.servers: expected at most 1,000,000 server cores/],
    [['durationMs=1e15', 'sampleIntervalMs=1e10'], /durationMs: expected a number <= 604800000/],
    [['sweep={grid: {fleet.servers: [1,2,3,4,5,6,7,8,9,10], seed: [1,2,3,4,5,6,7,8,9,10]}, replications: 101}'], /sweep: expected at most 10,000 runs in a sweep/],
  ])('--set %j is refused with path and bound', (sets, pattern) => {
    const text = issuesOf(TINY, sets);
    expect(text).toMatch(pattern);
    expect(text).toMatch(/--set /);
  });

  it('thousands of unknown keys are printed as the first 20 and a count of the rest', () => {
    for (const n of [500, 12_000]) {
      const extra = Array.from({ length: n }, (_, k) => `junk${String(k)}: 1`).join('\n');
      const text = issuesOf(`${TINY}${extra}\n`);
      expect(text.split('\n')).toHaveLength(21);
      expect(text).toMatch(new RegExp(`… and ${String(n - 20)} more$`));
    }
  }, 120_000);
});

describe('--set paths', () => {
  it.each([
    ['__proto__.x=1', /'__proto__' is not a setting/],
    ['constructor.prototype.x=1', /'constructor' is not a setting/],
    ['fleet.prototype=1', /'prototype' is not a setting/],
    ['faults.-1=1', /expected list indices from 0, got -1/],
    ['faults.99.crash.server=1', /faults: expected a list index from 0 to 0 \(0 adds an item\), got 99/],
    ['faults.name=1', /expected a list index \(0 to 0\) after faults, got 'name'/],
  ])('--set %s is refused with one message naming the flag', (set, pattern) => {
    const text = issuesOf(`${TINY}faults: []\n`, [set]);
    expect(text).toMatch(pattern);
    expect(text.split('\n')).toHaveLength(1);
    expect(text.startsWith(`✖ --set ${set}`)).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('--set __proto__.x=1 on the command line exits 2 and writes nothing', () => {
    const r = cli(['run', tiny, '--set', '__proto__.x=1', '--out', join(work, 'proto')]);
    expectInputError(r, /--set __proto__\.x=1/);
    expect(existsSync(join(work, 'proto'))).toBe(false);
  });
});

describe('real mode and list', () => {
  it('--redis on an experiment without messages: is exit 2 naming the flag', () => {
    expectInputError(cli(['real', tiny, '--redis', 'redis://127.0.0.1:6379']), /--redis redis:\/\/127\.0\.0\.1:6379: .*no messages: section/);
  });

  it('a real-mode size refusal names the number of clients and the --set flag', () => {
    expect(() => loadRealExperiment(tiny, { set: ['clients.arrivals.ramp.clients=30000'] })).toThrow(
      /✖ --set clients\.arrivals\.ramp\.clients=30000 clients\.arrivals: expected at most 20000 clients in real mode .*got 30000/,
    );
  });

  it('wsfleet list run outside the project prints experiment paths that work from there', () => {
    const r = cli(['list', 'experiments', '--json'], tmpdir());
    expect(r.status, r.stderr).toBe(0);
    const names = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { name: string }).name);
    expect(names.length).toBeGreaterThan(5);
    for (const n of names) expect(existsSync(resolve(tmpdir(), n)), n).toBe(true);
  });
});
