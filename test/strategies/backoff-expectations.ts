import type { BackoffName } from '../../src/strategies/index.js';
import { exact, integerUniform, socketIoJitter, uniform, type Law } from './backoff-laws.js';

// What the backoff conformance suite promises per strategy, written from each strategy's documented
// rule (AWS's blog post https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/, the clients' sources); a new backoff gets `fallback`.

export type Options = Readonly<Record<string, unknown>>;

export interface BackoffExpectation {
  /** The law of the delay before retry `attempt`, given the previous delay and the parsed options; undefined: not documented yet. */
  readonly law?: (attempt: number, previousMs: number, o: Options) => Law;
  /** The previous delay the distribution checks pass at attempt 1..8 (only decorrelated-jitter reads it); 0 if absent. */
  readonly previousMs?: (attempt: number, o: Options) => number;
  /** Option sets to check besides the defaults. */
  readonly variants: readonly Options[];
}

const num = (o: Options, key: string): number => o[key] as number;
const ceiling = (attempt: number, o: Options, factor = 2): number => Math.min(num(o, 'capMs'), num(o, 'baseMs') * Math.pow(factor, attempt - 1));

/** Phoenix's `reconnectAfterMs` (phoenix assets/js/phoenix/socket.js). */
const PHOENIX_LADDER_MS = [10, 50, 100, 150, 200, 250, 500, 1000, 2000];

/** Ably's disconnected-state nominal delay: timeout × min((n + 2)/3, 2). */
const ablyNominal = (n: number, o: Options): number => num(o, 'disconnectedRetryTimeoutMs') * Math.min((n + 2) / 3, 2);

/** The first retry whose nominal cumulative delay (through itself) passes the recovery window, as ably.ts documents. */
function ablySuspendedFrom(o: Options): number {
  let total = 0;
  for (let n = 1; ; n++) {
    total += Math.round(ablyNominal(n, o) * 1e6) / 1e6;
    if (total > num(o, 'connectionStateTtlMs')) return n;
  }
}

/** Per-strategy promises. */
export const expectations: Partial<Record<BackoffName, BackoffExpectation>> = {
  none: { law: () => exact(null), variants: [] },
  immediate: { law: () => exact(0), variants: [] },
  constant: { law: (_, __, o) => exact(num(o, 'delayMs')), variants: [{ delayMs: 0 }, { delayMs: 1234.5 }] },
  exponential: {
    law: (n, _, o) => exact(ceiling(n, o, num(o, 'factor'))),
    variants: [{ baseMs: 250, capMs: 10_000, factor: 1.5 }, { baseMs: 100, capMs: 50, factor: 3 }, { factor: 1 }],
  },
  // AWS: sleep = random_between(0, min(cap, base × 2^attempt)).
  'full-jitter': { law: (n, _, o) => uniform(0, ceiling(n, o)), variants: [{ baseMs: 100, capMs: 1000 }, { baseMs: 0.5, capMs: 7 }] },
  // AWS: temp = min(cap, base × 2^attempt); sleep = temp/2 + random_between(0, temp/2).
  'equal-jitter': { law: (n, _, o) => uniform(ceiling(n, o) / 2, ceiling(n, o)), variants: [{ baseMs: 100, capMs: 1000 }, { baseMs: 0.5, capMs: 7 }] },
  // AWS: sleep = min(cap, random_between(base, sleep × 3)), sleep = base at first.
  'decorrelated-jitter': {
    law: (n, previousMs, o) => {
      const base = num(o, 'baseMs');
      const previous = n <= 1 ? base : Math.max(base, previousMs);
      return uniform(base, 3 * previous, num(o, 'capMs'));
    },
    // 3 × previous runs from under the cap to far over it, so both the uniform part and the cap's atom are
    // checked; the first retry is passed a large previous delay that it must ignore.
    previousMs: (n, o) => num(o, 'baseMs') * ([40, 1, 2, 3, 5, 8, 15, 40][n - 1] ?? 1),
    variants: [{ baseMs: 100, capMs: 1000 }, { baseMs: 100, capMs: 50 }],
  },
  'socket-io': {
    law: (n, _, o) => {
      const ms = num(o, 'reconnectionDelayMs') * Math.pow(2, n - 1);
      const jitter = num(o, 'randomizationFactor');
      const maxMs = num(o, 'reconnectionDelayMaxMs');
      return jitter === 0 ? exact(Math.trunc(Math.min(ms, maxMs))) : socketIoJitter(ms, jitter, maxMs);
    },
    variants: [
      { randomizationFactor: 0 },
      { randomizationFactor: 0.2 },
      { reconnectionDelayMs: 100, reconnectionDelayMaxMs: 10_000, randomizationFactor: 1 },
      // Fractional milliseconds, so backo2's final truncation to whole ms shows.
      { reconnectionDelayMs: 333.3, reconnectionDelayMaxMs: 4000.5 },
    ],
  },
  // randomInt(0, ceiling) is ⌊r × (ceiling + 1)⌋: the ceiling + 1 whole numbers 0..ceiling, equally likely.
  'centrifuge-js': {
    law: (n, _, o) => {
      const min = num(o, 'minReconnectDelayMs');
      const max = num(o, 'maxReconnectDelayMs');
      const ceilingMs = Math.min(max, min * Math.pow(2, Math.min(n - 1, 31)));
      return integerUniform(min, ceilingMs + 1, max);
    },
    variants: [{ minReconnectDelayMs: 100, maxReconnectDelayMs: 1000 }, { minReconnectDelayMs: 1000, maxReconnectDelayMs: 500 }],
  },
  phoenix: { law: (n) => exact(PHOENIX_LADDER_MS[n - 1] ?? 5000), variants: [] },
  // Disconnected: nominal × (1 − 0.2r), in (0.8, 1] × nominal; suspended: flat.
  ably: {
    law: (n, _, o) =>
      n >= ablySuspendedFrom(o) ? exact(num(o, 'suspendedRetryTimeoutMs')) : uniform(0.8 * ablyNominal(n, o), ablyNominal(n, o), Infinity, true),
    variants: [
      { disconnectedRetryTimeoutMs: 1500, suspendedRetryTimeoutMs: 3000, connectionStateTtlMs: 12_000 },
      { connectionStateTtlMs: 60_000 },
      { connectionStateTtlMs: 0 },
    ],
  },
};

export const fallback: BackoffExpectation = { variants: [] };
