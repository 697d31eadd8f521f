import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STACK_LINE, wsfleet } from './cli.js';

/** The parts of V8's Profiler.Profile that tools (DevTools, speedscope) read. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wsfleet-profile-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('wsfleet run --profile', () => {
  it('writes profile.cpuprofile into the result folder: V8 JSON whose samples name nodes, with the engine on the stacks', () => {
    const out = join(work, 'storm');
    const r = wsfleet(['run', 'experiments/reconnect-storm.yaml', '--scale', '0.02', '--out', out, '--profile', '--quiet'], 120_000);
    expect(r.status, r.stderr).toBe(0);
    const profile = readProfile(join(out, 'profile.cpuprofile'));
    expect(profile.nodes.length).toBeGreaterThan(1);
    expect(profile.samples.length).toBeGreaterThan(0);
    expect(profile.timeDeltas).toHaveLength(profile.samples.length);
    expect(profile.endTime).toBeGreaterThan(profile.startTime);
    const ids = new Set(profile.nodes.map((n) => n.id));
    for (const id of profile.samples) expect(ids.has(id)).toBe(true);
    expect(profile.nodes.some((n) => n.callFrame.url.includes('/engine/simulation.js'))).toBe(true);
  }, 130_000);

  it('writes to a given file, creating its folder', () => {
    const file = join(work, 'profiles', 'storm.cpuprofile');
    const r = wsfleet(['run', 'experiments/reconnect-storm.yaml', '--scale', '0.02', '--out', join(work, 'storm2'), '--profile', file, '--quiet'], 120_000);
    expect(r.status, r.stderr).toBe(0);
    expect(readProfile(file).samples.length).toBeGreaterThan(0);
    expect(existsSync(join(work, 'storm2', 'profile.cpuprofile'))).toBe(false);
  }, 130_000);

  it('refuses a sweep and a folder as the profile file with exit 2, writing nothing', () => {
    const sweepOut = join(work, 'sweep');
    const sweep = wsfleet(['run', 'experiments/backoff-sweep.yaml', '--scale', '0.02', '--out', sweepOut, '--profile']);
    expect(sweep.status).toBe(2);
    expect(sweep.stderr).toContain('--profile');
    expect(sweep.stderr).toContain('backoff-sweep.yaml');
    expect(sweep.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(sweepOut)).toBe(false);

    const folderOut = join(work, 'folder');
    const folder = wsfleet(['run', 'experiments/reconnect-storm.yaml', '--scale', '0.02', '--out', folderOut, '--profile', work]);
    expect(folder.status).toBe(2);
    expect(folder.stderr).toContain('expected a file name');
    expect(folder.stderr).not.toMatch(STACK_LINE);
    expect(existsSync(folderOut)).toBe(false);
  });
});
