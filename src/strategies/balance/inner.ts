import { z } from 'zod';
import { choiceOf, instantiate, type StrategyEntry, type StrategySpec } from '../types.js';
import type { Balancer } from './types.js';

/** The balancer registry, passed lazily so wrappers can name any entry, themselves included. */
export type BalancerRegistry = () => Readonly<Record<string, StrategyEntry<Balancer>>>;

/**
 * A balancer spec naming a registry entry: bare (`least-connections`) or a one-key map to its options
 * (`{ power-of-d: { d: 3 } }`). Lazy, because the wrappers that use it are entries of the same registry.
 */
export function innerSpec(registry: BalancerRegistry): z.ZodType<StrategySpec> {
  return z.lazy(() => {
    const entries = registry();
    const names = Object.keys(entries) as [string, ...string[]];
    const withOptions = names.map((name) => z.object({ [name]: (entries[name] as StrategyEntry<Balancer>).options }).strict());
    const expected = `expected a balancer name (${names.join(', ')}) or a one-key map of one to its options`;
    return z.union([z.enum(names), ...withOptions], { error: expected });
  }) as unknown as z.ZodType<StrategySpec>;
}

/** Creates the balancer a wrapper delegates to. */
export function createInner(registry: BalancerRegistry, spec: StrategySpec): Balancer {
  return instantiate(registry(), choiceOf(spec), 'inner balancer');
}
