import { z } from 'zod';
import type { StrategyChoice, StrategyEntry } from '../../strategies/index.js';
import { oneOf, onlyEntry } from './one-of.js';

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
export function toStrategyChoice(registry: Readonly<Record<string, StrategyEntry<unknown>>>, value: string | Readonly<Record<string, unknown>>): StrategyChoice {
  const [name, written] = typeof value === 'string' ? [value, {}] : onlyEntry(value);
  const found = registry[name];
  if (found === undefined) throw new TypeError(`Expected a strategy named one of ${Object.keys(registry).join(', ')}, got ${name}`);
  const options: unknown = found.options.parse(written);
  if (typeof options !== 'object' || options === null) throw new TypeError(`Expected the options of strategy ${name} to parse to a map, got ${String(options)}`);
  return { name, options: { ...options } };
}
