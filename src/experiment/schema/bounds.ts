import type { z } from 'zod';

/**
 * Sizes the simulator can hold in one process, checked across fields (each field alone may be
 * fine). The simulator numbers clients in 24 bits and keeps per-process and per-core state in memory.
 */
export const BOUNDS = {
  /** Clients that arrive in one run (ramp, flash crowds, Poisson arrivals at their mean). */
  clients: 16_000_000,
  /** Client subscriptions in one run (clients × subscriptionsPerClient). */
  subscriptions: 16_000_000,
  /** Server processes (servers × processes), counting autoscaling's maximum. */
  processes: 100_000,
  /** Server cores (servers × processes × coresPerProcess), counting autoscaling's maximum. */
  cores: 1_000_000,
  /** Runs of a sweep (variants × replications). */
  sweepRuns: 10_000,
} as const;

type Ctx = z.core.$RefinementCtx;
type Loose = Record<string, unknown>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const map = (v: unknown): Loose | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Loose) : undefined);
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Clients expected to arrive over the run, and the path of the largest share of them. */
function expectedClients(e: Loose): { total: number; path: (string | number)[] } {
  const durationMs = num(e.durationMs) ?? 0;
  const arrivals = map(map(e.clients)?.arrivals);
  const parts: { n: number; path: (string | number)[] }[] = [{ n: num(map(arrivals?.ramp)?.clients) ?? 0, path: ['clients', 'arrivals'] }];
  const poisson = map(arrivals?.poisson);
  const rate = num(poisson?.ratePerSec);
  if (rate !== undefined) {
    const startMs = num(poisson?.startMs) ?? 0;
    const stopMs = Math.min(num(poisson?.stopMs) ?? durationMs, durationMs);
    parts.push({ n: (rate * Math.max(0, stopMs - startMs)) / 1000, path: ['clients', 'arrivals'] });
  }
  (Array.isArray(e.faults) ? (e.faults as unknown[]) : []).forEach((f, k) => {
    parts.push({ n: num(map(map(f)?.['flash-crowd'])?.clients) ?? 0, path: ['faults', k, 'flash-crowd', 'clients'] });
  });
  const largest = parts.reduce((a, b) => (b.n > a.n ? b : a));
  return { total: parts.reduce((n, p) => n + p.n, 0), path: largest.path };
}

/** Processes and cores of the fleet at its largest. */
function fleetSize(e: Loose): { processes: number; cores: number } {
  const fleet = map(e.fleet);
  const groups = Array.isArray(fleet?.groups) ? (fleet.groups as unknown[]).map(map) : [{ servers: fleet?.servers, server: fleet?.server }];
  let processes = 0;
  let cores = 0;
  let last = { processes: 1, cores: 1 };
  for (const g of groups) {
    const server = map(g?.server);
    const p = num(server?.processes) ?? 1;
    const c = num(server?.coresPerProcess) ?? 1;
    const n = num(g?.servers) ?? 0;
    processes += n * p;
    cores += n * p * c;
    last = { processes: p, cores: p * c };
  }
  const extra = num(map(e.autoscaling)?.max) ?? 0;
  return { processes: processes + extra * last.processes, cores: cores + extra * last.cores };
}

/** Adds an issue for each size beyond what one run can hold. */
export function checkBounds(e: Loose, ctx: Ctx): void {
  const { total: clients, path } = expectedClients(e);
  if (clients > BOUNDS.clients) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: `expected at most ${fmt(BOUNDS.clients)} clients arriving in one run (ramp, flash crowds and Poisson arrivals together; the simulator numbers clients in 24 bits), got ${fmt(clients)}`,
    });
  }
  const perClient = num(map(e.messages)?.subscriptionsPerClient);
  if (perClient !== undefined && clients <= BOUNDS.clients && clients * perClient > BOUNDS.subscriptions) {
    ctx.addIssue({
      code: 'custom',
      path: ['messages', 'subscriptionsPerClient'],
      message: `expected at most ${fmt(BOUNDS.subscriptions)} subscriptions in one run (clients × subscriptionsPerClient), got ${fmt(clients * perClient)}`,
    });
  }
  const { processes, cores } = fleetSize(e);
  const fleetPath = ['fleet', Array.isArray(map(e.fleet)?.groups) ? 'groups' : 'servers'];
  if (processes > BOUNDS.processes) {
    ctx.addIssue({ code: 'custom', path: fleetPath, message: `expected at most ${fmt(BOUNDS.processes)} server processes (servers × processes, with autoscaling.max), got ${fmt(processes)}; each holds a run queue in memory` });
  } else if (cores > BOUNDS.cores) {
    ctx.addIssue({ code: 'custom', path: fleetPath, message: `expected at most ${fmt(BOUNDS.cores)} server cores (servers × processes × coresPerProcess, with autoscaling.max), got ${fmt(cores)}; each is simulated` });
  }
  const grid = map(map(e.sweep)?.grid);
  if (grid !== undefined) {
    const variants = Object.values(grid).reduce<number>((n, values) => n * (Array.isArray(values) ? Math.max(1, values.length) : 1), 1);
    const runs = variants * (num(map(e.sweep)?.replications) ?? 1);
    if (runs > BOUNDS.sweepRuns) {
      ctx.addIssue({ code: 'custom', path: ['sweep'], message: `expected at most ${fmt(BOUNDS.sweepRuns)} runs in a sweep (variants × replications), got ${fmt(runs)}` });
    }
  }
}
