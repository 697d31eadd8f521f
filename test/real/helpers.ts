import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadExperiment, runRealExperiment, toRealConfig, type Experiment } from '../../src/experiment/index.js';
import type { RealConfig, RealRunResult } from '../../src/real/index.js';
import { chartNames } from '../../src/report/fleet-charts.js';

/** A small loopback experiment: `servers` plain ws servers, `clients` arriving over `overMs`; fields in `extra` replace the defaults. */
export function smallExperiment(extra: Record<string, unknown>): Record<string, unknown> {
  return {
    name: 'real-test',
    question: 'Does the real adapter behave as the sim does?',
    seed: 1,
    durationMs: 8000,
    sampleIntervalMs: 500,
    fleet: { servers: 2, server: { profile: 'node-ws-plain' }, network: { profile: 'loopback' } },
    balancer: { strategy: 'round-robin', healthCheck: { intervalMs: 500, timeoutMs: 300, fall: 2, rise: 2 } },
    heartbeat: 'none',
    clients: { arrivals: { ramp: { clients: 20, overMs: 1000 } }, reconnect: { constant: { delayMs: 200 } } },
    ...extra,
  };
}

/** Writes an experiment to a temporary file; `cleanup` removes it. */
export function experimentFile(data: Record<string, unknown>): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wsfleet-real-'));
  const file = join(dir, `${String(data.name)}.yaml`);
  writeFileSync(file, stringify(data));
  return { file, cleanup: () => { rmSync(dir, { recursive: true, force: true }); } };
}

/** Loads an experiment and its real config, failing loudly on any issue. */
export function loadBoth(data: Record<string, unknown>): { experiment: Experiment; config: RealConfig } {
  const { file, cleanup } = experimentFile(data);
  try {
    const loaded = loadExperiment(file, { chartNames: chartNames() });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const mapped = toRealConfig(loaded.experiment, file);
    if (!mapped.ok) throw new Error(JSON.stringify(mapped.issues));
    return { experiment: loaded.experiment, config: mapped.config };
  } finally {
    cleanup();
  }
}

export async function runRealData(data: Record<string, unknown>): Promise<RealRunResult> {
  return runRealExperiment(loadBoth(data).config);
}

/** The value of a time-series column in the last row. */
export function lastValue(result: RealRunResult, column: string): number {
  const c = result.timeseries.columns.indexOf(column);
  return (result.timeseries.rows.at(-1)?.[c] ?? NaN) as number;
}

/** Pids whose parent is `pid`, with their state letter (R, S, T stopped, Z zombie). */
export function childrenOf(pid: number): { pid: number; state: string }[] {
  return readdirSync('/proc').flatMap((name) => {
    if (!/^\d+$/.test(name)) return [];
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(fields[1]) === pid ? [{ pid: Number(name), state: fields[0] ?? '?' }] : [];
    } catch {
      return [];
    }
  });
}
