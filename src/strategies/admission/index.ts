import { z } from 'zod';
import { entry, type StrategyEntry } from '../types.js';
import type { Admission, Shedder } from './types.js';
import { retryAfter } from './refusal.js';
import { policySpec } from './inner.js';
import { createAcceptAll } from './accept-all.js';
import { createMaxConnections } from './max-connections.js';
import { createCpuThreshold } from './cpu-threshold.js';
import { createMemoryThreshold } from './memory-threshold.js';
import { createTokenBucket } from './token-bucket.js';
import { createQueueLength } from './queue-length.js';
import { createAllOf } from './all-of.js';
import { createNoShedding } from './none.js';
import { createIdleFirst } from './idle-first.js';
import { createNewestFirst } from './newest-first.js';
import { createOldestFirst } from './oldest-first.js';
import { createRandomShedder } from './random.js';

export type { Admission, AdmissionDecision, ConnectionView, ServerLoadView, Shedder } from './types.js';
export { admitted, type RetryAfterOptions } from './refusal.js';
export { excessOver } from './select.js';

/** The registry, for combinators; a function so it can be named before `admissions` is initialised. */
function registry(): Readonly<Record<string, StrategyEntry<Admission>>> {
  return admissions;
}

const none = z.object({}).strict();
const share = z.number().gt(0).max(1);

/** Every admission policy, by the name experiments use. Refusing ones share `retryAfterMs` and `retryAfterJitter`. */
export const admissions = {
  'accept-all': entry('admit every connection, as a plain ws server does', none, createAcceptAll),
  'max-connections': entry(
    'refuse while established + handshaking connections ≥ limit (default: the server maxConnections)',
    z.object({ limit: z.number().int().min(0).nullable().default(null), ...retryAfter }).strict(),
    createMaxConnections,
  ),
  'cpu-threshold': entry(
    'refuse while recent CPU utilisation ≥ threshold',
    z.object({ threshold: share.default(0.85), ...retryAfter }).strict(),
    createCpuThreshold,
  ),
  'memory-threshold': entry(
    'refuse while memory ≥ share × memory limit',
    z.object({ share: share.default(0.9), ...retryAfter }).strict(),
    createMemoryThreshold,
  ),
  'token-bucket': entry(
    'handshake rate limit: a bucket of burst tokens refilled at ratePerSec; refuse when empty',
    z.object({ ratePerSec: z.number().positive().default(500), burst: z.number().min(1).nullable().default(null), ...retryAfter }).strict(),
    createTokenBucket,
  ),
  'queue-length': entry(
    'refuse while the work waiting behind the request when the event loop reaches it ≥ limit: shedding on queueing delay',
    z.object({ limit: z.number().int().min(1).default(1000), ...retryAfter }).strict(),
    createQueueLength,
  ),
  'all-of': entry(
    'ask policies in order; the first refusal (its reason and retry hint) is the answer',
    z.object({ policies: z.array(policySpec(registry)).default(['max-connections', 'memory-threshold', 'queue-length']) }).strict(),
    (options): Admission => createAllOf(options, registry),
  ),
} satisfies Record<string, StrategyEntry<Admission>>;

export type AdmissionName = keyof typeof admissions;

/** Every shedding order, by the name experiments use. Each returns the ids to close, first to close first. */
export const shedders = {
  none: entry('never shed', none, createNoShedding),
  'idle-first': entry('longest idle first; ties: newest opened first', none, createIdleFirst),
  'newest-first': entry('most recently opened first (LIFO); ties: longest idle first', none, createNewestFirst),
  'oldest-first': entry('longest open first; ties: longest idle first', none, createOldestFirst),
  random: entry('uniformly random, without replacement', none, createRandomShedder),
} satisfies Record<string, StrategyEntry<Shedder>>;

export type ShedderName = keyof typeof shedders;
