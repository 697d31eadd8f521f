import { z } from 'zod';
import { choiceOf, instantiate, type StrategyEntry, type StrategySpec } from '../types.js';
import type { Admission } from './types.js';

/** The admission registry, passed lazily so combinators can name any entry, themselves included. */
export type AdmissionRegistry = () => Readonly<Record<string, StrategyEntry<Admission>>>;

/**
 * An admission spec naming a registry entry: bare (`cpu-threshold`) or a one-key map to its options
 * (`{ cpu-threshold: { threshold: 0.7 } }`). Lazy, because the combinators that use it are entries of the same registry.
 */
export function policySpec(registry: AdmissionRegistry): z.ZodType<StrategySpec> {
  return z.lazy(() => {
    const entries = registry();
    const names = Object.keys(entries) as [string, ...string[]];
    const withOptions = names.map((name) => z.object({ [name]: (entries[name] as StrategyEntry<Admission>).options }).strict());
    const expected = `expected an admission policy name (${names.join(', ')}) or a one-key map of one to its options`;
    return z.union([z.enum(names), ...withOptions], { error: expected });
  }) as unknown as z.ZodType<StrategySpec>;
}

/** Creates a policy a combinator delegates to. */
export function createPolicy(registry: AdmissionRegistry, spec: StrategySpec): Admission {
  return instantiate(registry(), choiceOf(spec), 'admission policy');
}
