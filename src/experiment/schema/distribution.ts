import { z } from 'zod';
import type { DistributionSpec } from '../../engine/index.js';
import { oneOf, onlyEntry } from './one-of.js';

const ms = z.number().min(0);
const positiveMs = z.number().positive();

/** A duration distribution in ms: a plain number is a constant. */
export const durationMs = z.union([
  ms,
  oneOf(
    {
      constant: z.object({ valueMs: ms }).strict(),
      uniform: z
        .object({ minMs: ms, maxMs: ms })
        .strict()
        .refine((u) => u.maxMs >= u.minMs, { error: 'expected maxMs >= minMs', path: ['maxMs'] }),
      exponential: z.object({ meanMs: positiveMs }).strict(),
      normal: z.object({ meanMs: ms, stdMs: ms, minMs: ms.default(0) }).strict(),
      lognormal: z.object({ meanMs: positiveMs, stdMs: ms }).strict(),
      pareto: z.object({ scaleMs: positiveMs, shape: z.number().positive() }).strict(),
      empirical: z
        .object({ valuesMs: z.array(ms).min(1), weights: z.array(z.number().min(0)).optional() })
        .strict()
        .refine((e) => e.weights === undefined || e.weights.length === e.valuesMs.length, {
          error: 'expected one weight per value',
          path: ['weights'],
        })
        .refine((e) => e.weights === undefined || e.weights.some((w) => w > 0), {
          error: 'expected at least one positive weight',
          path: ['weights'],
        }),
    },
    'a duration distribution in ms, e.g. { exponential: { meanMs: 250 } }',
  ),
]);
export type DurationMs = z.output<typeof durationMs>;

/** The engine's unitless form of a validated duration distribution. */
export function toDistributionSpec(value: DurationMs): DistributionSpec {
  if (typeof value === 'number') return { kind: 'constant', value };
  const [kind, p] = onlyEntry(value);
  switch (kind) {
    case 'constant':
      return { kind, value: (p as { valueMs: number }).valueMs };
    case 'uniform': {
      const u = p as { minMs: number; maxMs: number };
      return { kind, min: u.minMs, max: u.maxMs };
    }
    case 'exponential':
      return { kind, mean: (p as { meanMs: number }).meanMs };
    case 'normal': {
      const n = p as { meanMs: number; stdMs: number; minMs: number };
      return { kind, mean: n.meanMs, std: n.stdMs, min: n.minMs };
    }
    case 'lognormal': {
      const l = p as { meanMs: number; stdMs: number };
      return { kind, mean: l.meanMs, std: l.stdMs };
    }
    case 'pareto': {
      const q = p as { scaleMs: number; shape: number };
      return { kind, scale: q.scaleMs, shape: q.shape };
    }
    case 'empirical': {
      const e = p as { valuesMs: number[]; weights?: number[] };
      return e.weights === undefined ? { kind, values: e.valuesMs } : { kind, values: e.valuesMs, weights: e.weights };
    }
  }
}

const positive = z.number().positive();

/** A distribution of a positive quantity (a rate, a size): a plain number is a constant. */
export const positiveQuantity = (unit: string) =>
  z.union([
    positive,
    oneOf(
      {
        uniform: z
          .object({ min: positive, max: positive })
          .strict()
          .refine((u) => u.max >= u.min, { error: 'expected max >= min', path: ['max'] }),
        lognormal: z.object({ mean: positive, std: z.number().min(0) }).strict(),
        empirical: z
          .object({ values: z.array(positive).min(1), weights: z.array(z.number().min(0)).optional() })
          .strict()
          .refine((e) => e.weights === undefined || e.weights.length === e.values.length, { error: 'expected one weight per value', path: ['weights'] })
          .refine((e) => e.weights === undefined || e.weights.some((w) => w > 0), { error: 'expected at least one positive weight', path: ['weights'] }),
      },
      `a distribution of ${unit}: a number, or { uniform: { min, max } }, { lognormal: { mean, std } }, { empirical: { values, weights } }`,
    ),
  ]);
export type PositiveQuantity = z.output<ReturnType<typeof positiveQuantity>>;

/** The engine's form of a validated positive quantity. */
export function toQuantitySpec(value: PositiveQuantity): DistributionSpec {
  if (typeof value === 'number') return { kind: 'constant', value };
  const [kind, p] = onlyEntry(value);
  if (kind === 'uniform') return { kind, min: (p as { min: number }).min, max: (p as { max: number }).max };
  if (kind === 'lognormal') return { kind, mean: (p as { mean: number }).mean, std: (p as { std: number }).std };
  const e = p as { values: number[]; weights?: number[] };
  return e.weights === undefined ? { kind: 'empirical', values: e.values } : { kind: 'empirical', values: e.values, weights: e.weights };
}
