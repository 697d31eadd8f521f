import type { Shedder } from './types.js';
import { firstBy, type ShedOrder } from './select.js';

/** Latest openedAtMs first; among connections opened together, longest idle first. */
export const newestFirstOrder: ShedOrder = (a, b) => b.openedAtMs - a.openedAtMs || a.lastActivityMs - b.lastActivityMs;

/** Sheds the most recent connections (LIFO), sparing long-lived sessions and the state they built up. */
export function createNewestFirst(): Shedder {
  return {
    name: 'newest-first',
    select(connections, count) {
      return firstBy(connections, count, newestFirstOrder);
    },
  };
}
