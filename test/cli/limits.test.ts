import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { durationArg, sizeArg } from '../../src/cli/limits.js';
import { FLAGSHIP, STACK_LINE, wsfleet } from './cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'wsfleet-limits-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** A run whose virtual time barely moves: it would go on for ever. */
// Near the 7-day bound on virtual time, so the run cannot end within the wall limit.
const ENDLESS = ['--set', 'durationMs=6e8', '--set', 'sampleIntervalMs=1e6'];

describe('--max-wall', () => {
  it('stops an endless run with exit 124 and a clear message, writes no result folder, and shows life every few seconds meanwhile', () => {
    const out = join(tmp, 'endless');
    const r = wsfleet(['run', FLAGSHIP, ...ENDLESS, '--max-wall', '6s', '--out', out]);
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/^progress: .* virtual .* events\/s, elapsed 0:0\d, ETA /m);
    expect(r.stderr).toMatch(/Stopped: .*reconnect-storm\.yaml ran past --max-wall 6 s of wall time; no result folder was written\./);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.startsWith('endless'))).toEqual([]);
  }, 60_000);

  it('stops a sweep as Ctrl-C does: exit 124, finished runs kept in runs/ with shard.json, nothing else', () => {
    const out = join(tmp, 'sweep');
    const r = wsfleet(['run', 'test/cli/fixtures/small-sweep.yaml', ...ENDLESS, '--max-wall', '3s', '--jobs', '1', '--out', out]);
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/Stopped after --max-wall 3 s of wall time: kept 0 of 12 finished runs in .*sweep\/runs\/; nothing else was written/);
    // runs/ holds the finished runs (none here); .wsfleet-files lists what wsfleet wrote.
    expect(readdirSync(out).filter((f) => f !== 'runs').sort()).toEqual(['.wsfleet-files', 'experiment.resolved.yaml', 'shard.json']);
    expect(JSON.parse(readFileSync(join(out, 'shard.json'), 'utf8'))).toMatchObject({ runs: 12, finished: 0, interrupted: true });
  }, 60_000);

  it('rejects a duration it cannot read with exit 2', () => {
    const r = wsfleet(['run', FLAGSHIP, '--max-wall', 'soon']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("expected a duration such as 90s, 10m or 2h, got 'soon'");
  });
});

describe('--max-memory', () => {
  it('refuses a run estimated above the limit with exit 2, the estimate and the fields that drive it, and writes nothing', () => {
    const out = join(tmp, 'big');
    const r = wsfleet(['run', FLAGSHIP, '--set', 'clients.arrivals.ramp.clients=16000000', '--max-memory', '4GB', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/estimated peak memory 6\.\d GB is above --max-memory 4\.0 GB/);
    expect(r.stderr).toContain('clients.arrivals.ramp.clients: 16,000,000 clients × ~400 B = 6.4 GB');
    expect(r.stderr).toContain('Nothing was run or written.');
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a sweep whose concurrent runs together exceed the limit', () => {
    const out = join(tmp, 'big-sweep');
    const r = wsfleet(['run', 'test/cli/fixtures/small-sweep.yaml', '--set', 'clients.arrivals.ramp.clients=2000000', '--jobs', '2', '--max-memory', '1GB', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--jobs × largest run \(clients\.arrivals\.ramp\.clients: 2,000,000 clients × ~400 B = 800 MB.*\): 2 runs at once/);
    expect(existsSync(out)).toBe(false);
  });

  it('reads sizes in SI and binary units, and durations in ms, s, m and h', () => {
    expect(sizeArg('4GB')).toBe(4e9);
    expect(sizeArg('512MiB')).toBe(512 * 2 ** 20);
    expect(sizeArg('1.5 gb')).toBe(1.5e9);
    expect(() => sizeArg('lots')).toThrow(/expected a size of at least 1 MB such as 4GB or 512MiB, got 'lots'/);
    expect(durationArg('90s')).toBe(90_000);
    expect(durationArg('10m')).toBe(600_000);
    expect(durationArg('2h')).toBe(7_200_000);
    expect(durationArg('500ms')).toBe(500);
    expect(() => durationArg('-1s')).toThrow(/expected a duration/);
  });
});
