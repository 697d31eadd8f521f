import { z } from 'zod';
import { entry, type StrategyEntry } from '../types.js';
import type { Backoff } from './types.js';
import { attemptLimit, presetAttemptLimit } from './limits.js';
import { createNone } from './none.js';
import { createImmediate } from './immediate.js';
import { createConstant } from './constant.js';
import { createExponential } from './exponential.js';
import { createFullJitter } from './full-jitter.js';
import { createEqualJitter } from './equal-jitter.js';
import { createDecorrelatedJitter } from './decorrelated-jitter.js';
import { createSocketIo } from './socket-io.js';
import { createCentrifugeJs } from './centrifuge-js.js';
import { createPhoenix } from './phoenix.js';
import { createAbly } from './ably.js';

export type { Backoff } from './types.js';
export { initialDelayMs } from './initial-delay.js';

const positiveMs = z.number().positive();
/** The longest delay a JavaScript timer can wait (2^31 − 1 ms); backo2's `| 0` is exact below it. */
const timerMaxMs = 2 ** 31 - 1;
/** AWS exponential schedules: the first ceiling and the cap, in ms. */
const exponentialCeiling = { baseMs: positiveMs.default(1000), capMs: positiveMs.default(30_000) };

/** Every reconnect backoff, by the name experiments use. */
export const backoffs = {
  none: entry('never reconnect; give up at the first drop or failure', z.object({}).strict(), createNone),
  immediate: entry('retry at once, every time', z.object({ ...attemptLimit }).strict(), createImmediate),
  constant: entry(
    'retry after a fixed delay',
    z.object({ delayMs: z.number().min(0).default(1000), ...attemptLimit }).strict(),
    createConstant,
  ),
  exponential: entry(
    'base × factor^(n−1) up to a cap, no jitter',
    z.object({ baseMs: positiveMs.default(1000), capMs: positiveMs.default(30_000), factor: z.number().min(1).default(2), ...attemptLimit }).strict(),
    createExponential,
  ),
  'full-jitter': entry(
    'uniform in [0, min(cap, base × 2^(n−1))) (AWS full jitter)',
    z.object({ ...exponentialCeiling, ...attemptLimit }).strict(),
    createFullJitter,
  ),
  'equal-jitter': entry(
    'c/2 + uniform(0, c/2) for c = min(cap, base × 2^(n−1)) (AWS equal jitter)',
    z.object({ ...exponentialCeiling, ...attemptLimit }).strict(),
    createEqualJitter,
  ),
  'decorrelated-jitter': entry(
    'min(cap, uniform(base, 3 × previous delay)), previous = base at first (AWS decorrelated jitter)',
    z.object({ ...exponentialCeiling, ...attemptLimit }).strict(),
    createDecorrelatedJitter,
  ),
  'socket-io': entry(
    'Socket.IO client: 1 s × 2^(n−1) ±50 % (one draw), cap 5 s, forever (socket.io-client lib/manager.ts, contrib/backo2.ts)',
    z
      .object({
        /** `reconnectionDelay`, ms. @default 1000 */
        reconnectionDelayMs: positiveMs.default(1000),
        /** `reconnectionDelayMax`, ms, at most 2^31 − 1. @default 5000 */
        reconnectionDelayMaxMs: positiveMs.max(timerMaxMs).default(5000),
        /** `randomizationFactor`, in [0, 1]. @default 0.5 */
        randomizationFactor: z.number().min(0).max(1).default(0.5),
        ...presetAttemptLimit,
      })
      .strict(),
    createSocketIo,
  ),
  'centrifuge-js': entry(
    'centrifuge-js: min(max, min + randomInt(0, min(max, min × 2^(n−1)))), 0.5–20 s (centrifuge-js src/centrifuge.ts, src/utils.ts)',
    z
      .object({
        /** `minReconnectDelay`, ms. @default 500 */
        minReconnectDelayMs: positiveMs.default(500),
        /** `maxReconnectDelay`, ms. @default 20000 */
        maxReconnectDelayMs: positiveMs.default(20_000),
        ...presetAttemptLimit,
      })
      .strict(),
    createCentrifugeJs,
  ),
  phoenix: entry(
    'Phoenix JS: 10, 50, 100, 150, 200, 250, 500, 1000, 2000 ms, then 5000 ms, no jitter (phoenix assets/js/phoenix/socket.js)',
    z.object({ ...presetAttemptLimit }).strict(),
    createPhoenix,
  ),
  ably: entry(
    'Ably: 15 s × min((n+2)/3, 2) × uniform(0.8, 1]; from retry 6 (past the 120 s window) 30 s (ably-js defaults.ts, utils.ts)',
    z
      .object({
        /** `disconnectedRetryTimeout`, ms. @default 15000 */
        disconnectedRetryTimeoutMs: positiveMs.default(15_000),
        /** `suspendedRetryTimeout`, ms. @default 30000 */
        suspendedRetryTimeoutMs: positiveMs.default(30_000),
        /** `connectionStateTtl`, the recovery window, ms. @default 120000 */
        connectionStateTtlMs: z.number().min(0).default(120_000),
        ...presetAttemptLimit,
      })
      .strict(),
    createAbly,
  ),
} satisfies Record<string, StrategyEntry<Backoff>>;

export type BackoffName = keyof typeof backoffs;
