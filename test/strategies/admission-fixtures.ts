import { randomInt, type Rng } from '../../src/engine/rng.js';
import { instantiate } from '../../src/strategies/types.js';
import {
  admissions,
  shedders,
  type Admission,
  type AdmissionDecision,
  type ConnectionView,
  type ServerLoadView,
  type Shedder,
} from '../../src/strategies/admission/index.js';

export type Options = Readonly<Record<string, unknown>>;

/** A quiet server: nothing open, idle CPU, empty queue, 1 GB of 8 GB used, cap 1000. */
export const quiet: ServerLoadView = {
  connections: 0,
  handshaking: 0,
  maxConnections: 1000,
  cpuLoad: 0,
  queuedWork: 0,
  memoryBytes: 1e9,
  memoryLimitBytes: 8e9,
};

/** A server over every limit at once, so a policy that admits here reads only its own signal. */
export const stressed: ServerLoadView = {
  connections: 1e6,
  handshaking: 0,
  maxConnections: 10,
  cpuLoad: 1,
  queuedWork: 1e6,
  memoryBytes: 8e9,
  memoryLimitBytes: 8e9,
};

/** `base` with `patch` applied. */
export function view(patch: Partial<ServerLoadView> = {}, base: ServerLoadView = quiet): ServerLoadView {
  return { ...base, ...patch };
}

/** A random view, anywhere from idle to far over every limit. */
export function randomView(rng: Rng): ServerLoadView {
  const maxConnections = 1 + randomInt(rng, 2000);
  const memoryLimitBytes = rng.next() < 0.1 ? Infinity : 1e9 * (1 + randomInt(rng, 16));
  return {
    connections: randomInt(rng, 2 * maxConnections),
    handshaking: randomInt(rng, 100),
    maxConnections,
    cpuLoad: rng.next(),
    queuedWork: randomInt(rng, 2000),
    memoryBytes: rng.next() * 1.2 * (Number.isFinite(memoryLimitBytes) ? memoryLimitBytes : 16e9),
    memoryLimitBytes,
  };
}

/** A registered admission policy, built from its name and (unparsed) options as an experiment would. */
export function createAdmission(name: string, options: Options = {}): Admission {
  return instantiate(admissions, { name, options }, 'admission');
}

/** A registered shedder, by name. */
export function createShedder(name: string): Shedder {
  return instantiate(shedders, { name, options: {} }, 'shedder');
}

/** The refusals among the decisions. */
export function refusalsOf(decisions: readonly AdmissionDecision[]): Extract<AdmissionDecision, { kind: 'refuse' }>[] {
  return decisions.flatMap((d) => (d.kind === 'refuse' ? [d] : []));
}

/** `n` frozen connections with distinct shuffled ids; times from a small range so ties are common. */
export function randomConnections(rng: Rng, n: number, timeRange = 6): readonly ConnectionView[] {
  const ids = Array.from({ length: n }, (_, i) => 1000 + 7 * i);
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [ids[i], ids[j]] = [ids[j] as number, ids[i] as number];
  }
  return Object.freeze(
    ids.map((id) => {
      const openedAtMs = randomInt(rng, timeRange);
      return Object.freeze({ id, openedAtMs, lastActivityMs: openedAtMs + randomInt(rng, timeRange) });
    }),
  );
}

/** Pearson's chi-squared statistic of counts against one common expected count. */
export function chiSquared(counts: Iterable<number>, expected: number): number {
  let sum = 0;
  for (const c of counts) sum += ((c - expected) * (c - expected)) / expected;
  return sum;
}

/** The upper 0.1 % point of chi-squared with `df` degrees of freedom (Wilson–Hilferty, good to about 1 % here). */
export function chiSquaredCritical(df: number, z = 3.09): number {
  const a = 2 / (9 * df);
  return df * Math.pow(1 - a + z * Math.sqrt(a), 3);
}
