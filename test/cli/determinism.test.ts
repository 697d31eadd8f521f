import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAGSHIP, listFiles, repoRoot, SMALL_STORM, wsfleet } from './cli.js';

let work: string;
const dir = (name: string): string => join(work, name);

/** Runs the CLI and fails loudly (with its stderr) unless it succeeds. */
function runOk(args: readonly string[]): void {
  const r = wsfleet(args);
  expect(r.status, r.stderr).toBe(0);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wsfleet-determinism-'));
  runOk(['run', FLAGSHIP, ...SMALL_STORM, '--out', dir('first'), '--quiet']);
  runOk(['run', FLAGSHIP, ...SMALL_STORM, '--out', dir('second'), '--quiet']);
  runOk(['run', FLAGSHIP, ...SMALL_STORM, '--seed', '7', '--out', dir('seed-7'), '--quiet']);
  runOk(['run', join(dir('first'), 'experiment.resolved.yaml'), '--out', dir('rerun'), '--quiet']);
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('same experiment, same seed', () => {
  it('writes byte-identical result folders, charts included', () => {
    const files = listFiles(dir('first'));
    expect(listFiles(dir('second'))).toEqual(files);
    // The comparison covers the rendered charts, not just the tables.
    expect(files.filter((f) => f.endsWith('.png')).length).toBeGreaterThan(0);
    expect(files.filter((f) => f.endsWith('.svg')).length).toBeGreaterThan(0);
    expect(files).toContain('timeseries.csv');
    const different = files.filter((f) => !readFileSync(join(dir('first'), f)).equals(readFileSync(join(dir('second'), f))));
    expect(different).toEqual([]);
  });
});

describe('a different --seed', () => {
  it('changes the summary', () => {
    const a = readFileSync(join(dir('first'), 'summary.json'), 'utf8');
    const b = readFileSync(join(dir('seed-7'), 'summary.json'), 'utf8');
    expect(b).not.toBe(a);
    // Same experiment shape: the same metrics, only their values differ.
    expect(Object.keys(JSON.parse(b) as object)).toEqual(Object.keys(JSON.parse(a) as object));
  });

  it('is recorded in the resolved experiment', () => {
    const resolved = parse(readFileSync(join(dir('seed-7'), 'experiment.resolved.yaml'), 'utf8')) as { seed: number };
    expect(resolved.seed).toBe(7);
  });
});

describe('the resolved experiment', () => {
  it('records the seed, the wsfleet version and the --set values it ran with', () => {
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    const flagship = parse(readFileSync(join(repoRoot, FLAGSHIP), 'utf8')) as { seed: number };
    const resolved = parse(readFileSync(join(dir('first'), 'experiment.resolved.yaml'), 'utf8')) as {
      seed: number;
      wsfleetVersion: string;
      durationMs: number;
      clients: { arrivals: { ramp: { clients: number } } };
      faults: { crash: { atMs: number } }[];
    };
    expect(resolved.seed).toBe(flagship.seed);
    expect(resolved.wsfleetVersion).toBe(version);
    expect(resolved.durationMs).toBe(60000);
    expect(resolved.clients.arrivals.ramp.clients).toBe(3000);
    expect(resolved.faults[0]?.crash.atMs).toBe(30000);
  });

  it('re-run with `wsfleet run` and no flags reproduces summary.json and timeseries.csv byte for byte', () => {
    for (const f of ['summary.json', 'timeseries.csv']) {
      expect(readFileSync(join(dir('rerun'), f)).equals(readFileSync(join(dir('first'), f))), f).toBe(true);
    }
  });

  it('resolves to itself', () => {
    const again = readFileSync(join(dir('rerun'), 'experiment.resolved.yaml'), 'utf8');
    expect(again).toBe(readFileSync(join(dir('first'), 'experiment.resolved.yaml'), 'utf8'));
  });
});
