import type { Shedder } from './types.js';
import { firstBy, type ShedOrder } from './select.js';

/** Earliest openedAtMs first; among connections opened together, longest idle first. */
export const oldestFirstOrder: ShedOrder = (a, b) => a.openedAtMs - b.openedAtMs || a.lastActivityMs - b.lastActivityMs;

/** Sheds the longest-lived connections first, which moves them onto servers added since (rebalancing after scale-out). */
export function createOldestFirst(): Shedder {
  return {
    name: 'oldest-first',
    select(connections, count) {
      return firstBy(connections, count, oldestFirstOrder);
    },
  };
}
