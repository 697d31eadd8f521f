import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estimateBatch, estimateRun, loadExperiment } from '../../src/experiment/index.js';
import { chartNames } from '../../src/report/fleet-charts.js';
import { cliPath, FLAGSHIP, repoRoot } from '../cli/cli.js';

/** Loaded before the CLI in the child: writes the process's peak RSS (VmHWM, kB) to $WSFLEET_HWM_FILE at exit. */
const PRELOAD =
  'data:text/javascript,' +
  encodeURIComponent(
    "import { readFileSync, writeFileSync } from 'node:fs';" +
      "process.on('exit', () => { writeFileSync(process.env.WSFLEET_HWM_FILE, /VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]); });",
  );

/** Runs `wsfleet run` in a child process and returns its peak resident memory in bytes. */
function measuredPeakBytes(file: string, scale: number, sets: string[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'wsfleet-budget-'));
  try {
    const args = ['--import', PRELOAD, cliPath, 'run', file, '--scale', String(scale), ...sets.flatMap((s) => ['--set', s]), '--out', join(dir, 'out'), '--quiet'];
    const r = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, WSFLEET_HWM_FILE: join(dir, 'hwm') } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return Number(readFileSync(join(dir, 'hwm'), 'utf8')) * 1024;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function estimatedBytes(file: string, scale: number, sets: string[]): number {
  const loaded = loadExperiment(join(repoRoot, file), { sets, scale, chartNames: chartNames() });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  return estimateRun(loaded.experiment).memoryBytes;
}

const MESSAGES = 'test/experiment/fixtures/budget-messages.yaml';
const SHORT = ['durationMs=40000', 'clients.arrivals.ramp.overMs=20000'];

describe('size budget', () => {
  // 4,000 to 100,000 clients: the client columns go from a few percent of the peak to about a fifth of it.
  it.each([
    ['4k clients', FLAGSHIP, 0.08, SHORT],
    ['100k clients', FLAGSHIP, 2, SHORT],
    ['15k clients with messages', MESSAGES, 1, []],
  ] as const)('estimates the peak memory of a run within 2× of the measured peak RSS (%s)', (_, file, scale, sets) => {
    const measured = measuredPeakBytes(file, scale, [...sets]);
    const estimated = estimatedBytes(file, scale, [...sets]);
    expect(estimated / measured).toBeGreaterThan(0.5);
    expect(estimated / measured).toBeLessThan(2);
  }, 60_000);

  it('grows with the clients the experiment brings, flash crowds included', () => {
    const small = estimatedBytes(FLAGSHIP, 1, []);
    // Within the schema's bound of 16,000,000 clients per run.
    const large = estimatedBytes(FLAGSHIP, 1, ['clients.arrivals.ramp.clients=10000000']);
    const crowd = estimatedBytes(FLAGSHIP, 1, ['clients.arrivals.ramp.clients=10000000', 'faults.1={"flash-crowd":{"clients":4000000,"atMs":1000}}']);
    expect(large - small).toBeCloseTo((10_000_000 - 50_000) * 400, -6);
    expect(crowd - large).toBeCloseTo(4_000_000 * 400, -6);
  });

  it('charges a sweep for the runs held at once, not for all of them', () => {
    const loaded = loadExperiment(join(repoRoot, FLAGSHIP), { sets: [], chartNames: chartNames() });
    if (!loaded.ok) throw new Error('flagship failed to load');
    const run = estimateRun(loaded.experiment);
    const runs = Array.from({ length: 10 }, () => loaded.experiment);
    const one = estimateBatch(runs, 1).memoryBytes;
    const two = estimateBatch(runs, 2).memoryBytes;
    expect(two - one).toBeCloseTo(run.memoryBytes - 170e6 + 45e6, -3);
    expect(estimateBatch(runs, 64).concurrent).toBe(10);
  });
});
