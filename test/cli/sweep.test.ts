import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, listFiles, repoRoot, SMALL_STORM, STACK_LINE, wsfleet } from './cli.js';

const SWEEP = 'test/cli/fixtures/small-sweep.yaml';
let work: string;
const dir = (name: string): string => join(work, name);

function runOk(args: readonly string[]): void {
  const r = wsfleet(args);
  expect(r.status, r.stderr).toBe(0);
}

/** Files of `b` that differ from `a`'s, and the file lists; empty differences mean byte-identical folders. */
function compareFolders(a: string, b: string): { files: string[]; different: string[] } {
  const files = listFiles(a);
  expect(listFiles(b)).toEqual(files);
  return { files, different: files.filter((f) => !readFileSync(join(a, f)).equals(readFileSync(join(b, f)))) };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wsfleet-sweep-'));
  runOk(['run', SWEEP, '--jobs', '1', '--out', dir('jobs-1'), '--quiet']);
  runOk(['run', SWEEP, '--jobs', '2', '--out', dir('jobs-2'), '--quiet']);
  for (const k of [1, 2, 3, 4]) runOk(['run', SWEEP, '--shard', `${String(k)}/4`, '--out', dir(`shard-${String(k)}`), '--quiet']);
}, 180_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('a sweep on worker threads', () => {
  it('writes byte-identical folders with one and with two jobs, charts and run records included', () => {
    const { files, different } = compareFolders(dir('jobs-1'), dir('jobs-2'));
    expect(different).toEqual([]);
    expect(files.filter((f) => f.startsWith('runs/'))).toHaveLength(12);
    expect(files).toContain('charts/compare-availability.png');
    expect(files).toContain('sweep.csv');
  });
});

describe('--all-replications', () => {
  it("keeps every replication's time series, events and distributions, and leaves the rest of the folder as it was", () => {
    runOk(['run', SWEEP, '--jobs', '1', '--all-replications', '--out', dir('all'), '--quiet']);
    const files = listFiles(dir('all'));
    const base = listFiles(dir('jobs-1'));
    const extra = files.filter((f) => !base.includes(f));
    const later = base.filter((f) => f.startsWith('runs/') && !f.endsWith('-r0000.json')).length;
    // Each later replication gets its own data folder: resolved experiment, time series, summary (two forms), events, distributions.
    expect(later).toBeGreaterThan(0);
    expect(extra.filter((f) => f.endsWith('/timeseries.csv'))).toHaveLength(later);
    for (const f of extra) expect(f).toMatch(/^variants\/[^/]+\/replications\/r000[1-9]\/(experiment\.resolved\.yaml|timeseries\.csv|summary\.(json|csv)|events\.csv|distributions\.csv)$/);
    // A later replication's series is its own run: another seed, so not the first replication's numbers.
    const first = extra[0]?.replace(/replications\/r\d{4}\/.*$/, 'timeseries.csv') ?? '';
    const one = extra.find((f) => f.endsWith('/timeseries.csv')) ?? '';
    expect(readFileSync(join(dir('all'), one), 'utf8')).not.toBe(readFileSync(join(dir('all'), first), 'utf8'));
    // Everything the default folder holds is byte-identical but the later run records, which now carry the
    // data, and the manifest of wsfleet's files, which lists the new ones.
    const changed = base.filter((f) => !readFileSync(join(dir('all'), f)).equals(readFileSync(join(dir('jobs-1'), f))));
    expect(changed.filter((f) => !(f.startsWith('runs/') && !f.endsWith('-r0000.json')) && f !== '.wsfleet-files')).toEqual([]);
  }, 120_000);
});

describe('--shard K/N and merge', () => {
  it('splits the runs into disjoint slices that cover the sweep', () => {
    const slices = [1, 2, 3, 4].map((k) => readdirSync(join(dir(`shard-${String(k)}`), 'runs')));
    const all = slices.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(readdirSync(join(dir('jobs-1'), 'runs')).sort());
    expect(JSON.parse(readFileSync(join(dir('shard-2'), 'shard.json'), 'utf8'))).toMatchObject({ shard: '2/4', interrupted: false });
  });

  it('merges shard folders into exactly what the unsharded run wrote', () => {
    const r = wsfleet(['merge', ...[4, 2, 3, 1].map((k) => dir(`shard-${String(k)}`)), '--out', dir('merged')]);
    expect(r.status, r.stderr).toBe(0);
    expect(compareFolders(dir('jobs-1'), dir('merged')).different).toEqual([]);
  });

  it('refuses to merge an incomplete set, naming the missing runs, and writes nothing', () => {
    const r = wsfleet(['merge', dir('shard-1'), dir('shard-2'), '--out', dir('incomplete')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing 6 of 12 runs: v0001-r0002\.json, v0002-r0000\.json/);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(dir('incomplete'))).toBe(false);
  });

  it('refuses shards of different experiments', () => {
    runOk(['run', SWEEP, '--shard', '1/2', '--seed', '5', '--out', dir('other-seed'), '--quiet']);
    const r = wsfleet(['merge', dir('shard-1'), dir('other-seed'), '--out', dir('mixed')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/experiment\.resolved\.yaml differs/);
    expect(existsSync(dir('mixed'))).toBe(false);
  });

  it('refuses --shard on an experiment without a sweep', () => {
    const r = wsfleet(['run', 'experiments/reconnect-storm.yaml', '--shard', '1/2', '--out', dir('no-sweep')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/has no sweep block/);
    expect(existsSync(dir('no-sweep'))).toBe(false);
  });

  it.each(['0/2', '3/2', 'half'])('rejects --shard %s', (value) => {
    const r = wsfleet(['run', SWEEP, '--shard', value, '--out', dir('bad-shard')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/expected K\/N/);
  });
});

describe('charts: entries checked before anything is written', () => {
  it.each([
    [['--set', 'charts.1={ sweep-curve: { metric: availability, x: fleet.cores } }'], /charts\[1\]\.sweep-curve\.x: expected a sweep\.grid path/],
    [['--set', 'charts.1={ sweep-curve: { metric: recovery.fast, x: fleet.servers } }'], /charts\[1\]\.sweep-curve\.metric: unknown metric recovery\.fast/],
    [['--set', 'charts.1.by-variant.column=clients.happy'], /charts\[1\]\.by-variant\.column: unknown time-series column clients\.happy/],
    [['--set', 'charts.1.by-server.metric=joy'], /charts\.1/],
  ])('%j', (flags, message) => {
    const out = dir(`bad-chart-${String(flags[1]?.length)}-${String(flags[1]?.charCodeAt(10))}`);
    const r = wsfleet(['run', SWEEP, '--set', 'charts=[clients]', ...flags, '--out', out]);
    expect(r.status, r.stdout).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a sweep curve in an experiment without a sweep', () => {
    const r = wsfleet(['run', 'experiments/reconnect-storm.yaml', '--set', 'charts=[{ sweep-curve: { metric: availability, x: seed } }]', '--out', dir('curve-no-sweep')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/charts\[0\]\.sweep-curve: expected a sweep block/);
  });
});

describe('wsfleet report', () => {
  it('redraws a sweep folder from its run records, byte for byte', () => {
    cpSync(dir('jobs-1'), dir('redrawn'), { recursive: true });
    rmSync(join(dir('redrawn'), 'report.html'));
    rmSync(join(dir('redrawn'), 'charts'), { recursive: true });
    const r = wsfleet(['report', dir('redrawn')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Redrew 7 charts and report\.html/);
    expect(compareFolders(dir('jobs-1'), dir('redrawn')).different).toEqual([]);
  });

  it('redraws a single run from its CSV and JSON files, byte for byte', () => {
    runOk(['run', 'experiments/reconnect-storm.yaml', ...SMALL_STORM, '--out', dir('single'), '--quiet']);
    cpSync(dir('single'), dir('single-redrawn'), { recursive: true });
    rmSync(join(dir('single-redrawn'), 'charts'), { recursive: true });
    const r = wsfleet(['report', dir('single-redrawn'), '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { charts: string[] }).charts.length).toBeGreaterThan(0);
    expect(compareFolders(dir('single'), dir('single-redrawn')).different).toEqual([]);
  });

  it('refuses a shard folder and a folder that is not a result, writing nothing', () => {
    const shard = wsfleet(['report', dir('shard-1')]);
    expect(shard.status).toBe(2);
    expect(shard.stderr).toMatch(/join shards first with wsfleet merge/);
    expect(existsSync(join(dir('shard-1'), 'report.html'))).toBe(false);
    mkdirSync(dir('empty'));
    const empty = wsfleet(['report', dir('empty')]);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toMatch(/expected a wsfleet result or shard folder/);
    expect(empty.stderr).not.toMatch(STACK_LINE);
  });
});

describe('Ctrl-C during a sweep', () => {
  it('stops, keeps every finished run on disk and says what it kept', async () => {
    const out = dir('interrupted');
    const child = spawn(process.execPath, [cliPath, 'run', SWEEP, '--set', 'sweep.replications=250', '--jobs', '1', '--out', out], { cwd: repoRoot });
    let stderr = '';
    let signalled = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Plain progress (not a TTY): one line per finished run; interrupt after the third.
      if (!signalled && /^run 3\/1000 done/m.test(stderr)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(signalled).toBe(true);
    expect(status).toBe(130);
    const kept = Number(/Interrupted: kept (\d+) of 1000 finished runs/.exec(stderr)?.[1]);
    expect(kept).toBeGreaterThanOrEqual(3);
    expect(kept).toBeLessThan(1000);
    expect(readdirSync(join(out, 'runs'))).toHaveLength(kept);
    expect(JSON.parse(readFileSync(join(out, 'shard.json'), 'utf8'))).toMatchObject({ runs: 1000, finished: kept, interrupted: true });
    expect(stderr).not.toMatch(STACK_LINE);
    expect(readdirSync(work).filter((f) => f.includes('.runs-'))).toEqual([]);
  });
});
