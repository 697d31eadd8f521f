import type { BackpressureName } from '../../src/strategies/backpressure/index.js';
import type { Options } from './backpressure-queue.js';

/** What a full queue makes a policy do: nothing (it has no limit), drop messages, or close the connection. */
export type Overflow = 'never' | 'drop' | 'disconnect';

export interface BackpressureExpectation {
  /** Option sets tried besides `{}`. */
  readonly variants: readonly Options[];
  /** The queue limit in bytes under these parsed options, or null when unbounded. */
  readonly limitBytes: (options: Options) => number | null;
  readonly overflow: (options: Options) => Overflow;
  /** For disconnecting policies: how long a connection may stay slow, or null for no time limit. */
  readonly maxSlowMs?: (options: Options) => number | null;
}

const limitOption = (options: Options): number => options.limitBytes as number;
const nullableLimit = (options: Options): number | null => options.limitBytes as number | null;

const dropping = (variants: readonly Options[]): BackpressureExpectation => ({ variants, limitBytes: limitOption, overflow: () => 'drop' });
const disconnecting = (variants: readonly Options[], maxSlowMs: (options: Options) => number | null): BackpressureExpectation => ({
  variants,
  limitBytes: limitOption,
  overflow: () => 'disconnect',
  maxSlowMs,
});

/** Every registered policy; a new one must say here what it bounds and how. */
export const backpressureExpectations: Record<BackpressureName, BackpressureExpectation> = {
  unbounded: { variants: [{ softLimitBytes: 1024 }], limitBytes: () => null, overflow: () => 'never' },
  'drop-newest': dropping([{ limitBytes: 4096 }]),
  'drop-oldest': dropping([{ limitBytes: 4096 }, { limitBytes: 100_000 }]),
  conflate: dropping([{ limitBytes: 4096 }]),
  delta: {
    variants: [{ ratio: 0.5 }, { ratio: 1 }, { limitBytes: 8192 }],
    limitBytes: nullableLimit,
    overflow: (options) => (options.limitBytes === null ? 'never' : 'drop'),
  },
  disconnect: disconnecting([{ limitBytes: 65_536, maxSlowMs: 500 }, { maxSlowMs: null }, { limitBytes: 8192, softLimitBytes: 1024 }], (options) => options.maxSlowMs as number | null),
  uwebsockets: dropping([{ limitBytes: 4096 }]),
  centrifugo: disconnecting([{ limitBytes: 65_536 }], () => null),
  signalk: { variants: [], limitBytes: () => 2 * 1024 * 1024, overflow: () => 'disconnect', maxSlowMs: () => 30_000 },
};
