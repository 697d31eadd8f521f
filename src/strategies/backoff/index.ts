import { z } from 'zod';
import { entry, type StrategyEntry } from '../types.js';
import type { Backoff } from './types.js';
import { attemptLimit } from './limits.js';
import { createNone } from './none.js';
import { createImmediate } from './immediate.js';
import { createConstant } from './constant.js';
import { createExponential } from './exponential.js';
import { createFullJitter } from './full-jitter.js';

export type { Backoff } from './types.js';

const positiveMs = z.number().positive();

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
    z.object({ baseMs: positiveMs.default(1000), capMs: positiveMs.default(30_000), ...attemptLimit }).strict(),
    createFullJitter,
  ),
} satisfies Record<string, StrategyEntry<Backoff>>;

export type BackoffName = keyof typeof backoffs;
