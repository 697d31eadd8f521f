import { z } from 'zod';
import { compileDistribution, type DistributionSpec } from '../../engine/index.js';
import { oneOf, tagged } from './one-of.js';

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
  const d = tagged(value);
  switch (d.kind) {
    case 'constant':
      return { kind: d.kind, value: d.valueMs };
    case 'uniform':
      return { kind: d.kind, min: d.minMs, max: d.maxMs };
    case 'exponential':
      return { kind: d.kind, mean: d.meanMs };
    case 'normal':
      return { kind: d.kind, mean: d.meanMs, std: d.stdMs, min: d.minMs };
    case 'lognormal':
      return { kind: d.kind, mean: d.meanMs, std: d.stdMs };
    case 'pareto':
      return { kind: d.kind, scale: d.scaleMs, shape: d.shape };
    case 'empirical':
      return d.weights === undefined ? { kind: d.kind, values: d.valuesMs } : { kind: d.kind, values: d.valuesMs, weights: d.weights };
  }
}

const positive = z.number().positive();
const nonNegative = z.number().min(0);

/** A distribution of a quantity (a rate, a size) whose values are `value`s: a plain number is a constant. */
function quantity(unit: string, value: z.ZodNumber, noun: string) {
  return z.union([
    value,
    oneOf(
      {
        uniform: z
          .object({ min: value, max: value })
          .strict()
          .refine((u) => u.max >= u.min, { error: 'expected max >= min', path: ['max'] }),
        lognormal: z.object({ mean: positive, std: z.number().min(0) }).strict(),
        empirical: z
          .object({ values: z.array(value).min(1), weights: z.array(z.number().min(0)).optional() })
          .strict()
          .refine((e) => e.weights === undefined || e.weights.length === e.values.length, { error: 'expected one weight per value', path: ['weights'] })
          .refine((e) => e.weights === undefined || e.weights.some((w) => w > 0), { error: 'expected at least one positive weight', path: ['weights'] }),
      },
      `a distribution of ${noun}${unit}: a number, or { uniform: { min, max } }, { lognormal: { mean, std } }, { empirical: { values, weights } }`,
    ),
  ]);
}

/** A distribution of a positive quantity (a rate, a size): a plain number is a constant. */
export const positiveQuantity = (unit: string) => quantity(unit, positive, '');

/** A distribution of a quantity that may be 0 (a rate some draws do not have at all): a plain number is a constant. */
export const nonNegativeQuantity = (unit: string) => quantity(unit, nonNegative, '0 or more ');

export type PositiveQuantity = z.output<ReturnType<typeof positiveQuantity>>;
/** Every positive quantity is also a non-negative one, so functions of quantities take this type. */
export type NonNegativeQuantity = z.output<ReturnType<typeof nonNegativeQuantity>>;

/** The engine's form of a validated positive quantity. */
export function toQuantitySpec(value: NonNegativeQuantity): DistributionSpec {
  if (typeof value === 'number') return { kind: 'constant', value };
  const q = tagged(value);
  switch (q.kind) {
    case 'uniform':
      return { kind: q.kind, min: q.min, max: q.max };
    case 'lognormal':
      return { kind: q.kind, mean: q.mean, std: q.std };
    case 'empirical':
      return q.weights === undefined ? { kind: q.kind, values: q.values } : { kind: q.kind, values: q.values, weights: q.weights };
  }
}

/** The mean of a validated quantity distribution (the rate a population of draws has on average). */
export function quantityMean(value: NonNegativeQuantity): number {
  return typeof value === 'number' ? value : compileDistribution(toQuantitySpec(value)).mean;
}
