import type { Shedder } from './types.js';
import { firstBy, type ShedOrder } from './select.js';

/** Longest idle first (oldest lastActivityMs); among equally idle, newest opened first. */
export const idleFirstOrder: ShedOrder = (a, b) => a.lastActivityMs - b.lastActivityMs || b.openedAtMs - a.openedAtMs;

/** Sheds the connections that have been quiet longest, whose clients are the least likely to notice. */
export function createIdleFirst(): Shedder {
  return {
    name: 'idle-first',
    select(connections, count) {
      return firstBy(connections, count, idleFirstOrder);
    },
  };
}
