import type { StrategySpec } from '../types.js';
import type { Admission } from './types.js';
import { admitted } from './refusal.js';
import { createPolicy, type AdmissionRegistry } from './inner.js';

export interface AllOfOptions {
  /**
   * Policies asked in order; the first refusal is the answer, with its own reason and retry hint.
   * @default ['max-connections', 'memory-threshold', 'queue-length']
   */
  policies: StrategySpec[];
}

/**
 * Admits only when every policy admits. Policies after the first refusal are not asked, and a stateful one
 * (token-bucket) spends a token whenever it admits: put it last so it spends tokens only on admitted connections.
 */
export function createAllOf(options: AllOfOptions, registry: AdmissionRegistry): Admission {
  const policies = options.policies.map((spec) => createPolicy(registry, spec));
  return {
    name: 'all-of',
    readsBacklog: policies.some((policy) => policy.readsBacklog === true),
    admit(view, nowMs, rng) {
      for (const policy of policies) {
        const decision = policy.admit(view, nowMs, rng);
        if (decision.kind === 'refuse') return decision;
      }
      return admitted;
    },
  };
}
