import { z } from 'zod';
import { choiceOf, type StrategyChoice, type StrategyEntry, type StrategySpec } from '../../strategies/index.js';
import { oneOf } from './one-of.js';

/**
 * A strategy from a registry, written bare (`least-connections`) or with options
 * (`{ full-jitter: { baseMs: 500 } }`). Built from the registry, so a new entry appears here.
 */
export function strategyChoice<R extends Record<string, StrategyEntry<unknown>>>(registry: R, what: string) {
  const names = Object.keys(registry) as [keyof R & string, ...(keyof R & string)[]];
  const options = Object.fromEntries(names.map((n) => [n, (registry[n] as StrategyEntry<unknown>).options.describe((registry[n] as StrategyEntry<unknown>).doc)]));
  return z.union([z.enum(names), oneOf(options, `a ${what} with options`)]).describe(`${what}: ${names.join(', ')}`);
}

/** The registry name and parsed options of a validated strategy choice. */
export function toStrategyChoice(registry: Record<string, StrategyEntry<unknown>>, value: string | object): StrategyChoice {
  const { name, options } = choiceOf(value as StrategySpec);
  return { name, options: (registry[name] as StrategyEntry<unknown>).options.parse(options) as Record<string, unknown> };
}
