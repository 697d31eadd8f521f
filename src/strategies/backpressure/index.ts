import { z } from 'zod';
import { entry, type StrategyEntry } from '../types.js';
import type { Backpressure } from './types.js';
import { createUnbounded } from './unbounded.js';
import { createDropNewest } from './drop-newest.js';
import { createDropOldest } from './drop-oldest.js';
import { createConflate } from './conflate.js';
import { createDelta } from './delta.js';
import { createDisconnect } from './disconnect.js';

export type { Backpressure, BackpressureDecision, OutgoingMessage, SendQueueView } from './types.js';
export { slowConsumer } from './disconnect.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const bytes = z.number().int().min(1);
const softLimitBytes = bytes.default(16 * KiB);
const limitBytes = (defaultBytes: number) => bytes.default(defaultBytes);
const softUnderLimit = { error: 'expected softLimitBytes ≤ limitBytes', path: ['softLimitBytes'] };

/** Every backpressure policy, by the name experiments use. One instance per connection. */
export const backpressures = {
  unbounded: entry(
    'always enqueue, as ws does: bufferedAmount and memory grow without bound',
    z.object({ softLimitBytes }).strict(),
    createUnbounded,
  ),
  'drop-newest': entry(
    'drop a message that would take the queue over limitBytes',
    z.object({ limitBytes: limitBytes(64 * KiB) }).strict(),
    (options): Backpressure => createDropNewest(options),
  ),
  'drop-oldest': entry(
    'over limitBytes, drop the oldest queued messages to make room (count from their average size)',
    z.object({ limitBytes: limitBytes(64 * KiB) }).strict(),
    createDropOldest,
  ),
  conflate: entry(
    'keep only the latest queued message per key; unkeyed ones drop over limitBytes',
    z.object({ limitBytes: limitBytes(64 * KiB) }).strict(),
    createConflate,
  ),
  delta: entry(
    'send keyed messages after the first per key as deltas of ratio × bytes',
    z.object({ ratio: z.number().gt(0).max(1).default(0.3), limitBytes: bytes.nullable().default(null), softLimitBytes }).strict(),
    createDelta,
  ),
  disconnect: entry(
    'close the slow consumer (3008 "slow") over limitBytes or after maxSlowMs above the soft limit',
    z
      .object({
        limitBytes: limitBytes(MiB),
        softLimitBytes: bytes.nullable().default(null),
        maxSlowMs: z.number().positive().nullable().default(30_000),
      })
      .strict()
      .refine((o) => o.softLimitBytes === null || o.softLimitBytes <= o.limitBytes, softUnderLimit),
    (options): Backpressure => createDisconnect(options),
  ),
  uwebsockets: entry(
    'uWebSockets: maxBackpressure 64 KiB, then drop (closeOnBackpressureLimit false)',
    z.object({ limitBytes: limitBytes(64 * KiB) }).strict(),
    (options): Backpressure => createDropNewest(options, 'uwebsockets'),
  ),
  centrifugo: entry(
    'Centrifugo: 1 MiB per-connection queue, then disconnect as slow (3008)',
    z.object({ limitBytes: limitBytes(MiB) }).strict(),
    (options): Backpressure => createDisconnect({ ...options, softLimitBytes: null, maxSlowMs: null }, 'centrifugo'),
  ),
  signalk: entry(
    'SignalK server: slow above 512 KiB, disconnect at 2 MiB or after 30 s slow',
    z.object({}).strict(),
    (): Backpressure => createDisconnect({ limitBytes: 2 * MiB, softLimitBytes: 512 * KiB, maxSlowMs: 30_000 }, 'signalk'),
  ),
} satisfies Record<string, StrategyEntry<Backpressure>>;

export type BackpressureName = keyof typeof backpressures;
