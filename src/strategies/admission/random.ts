import type { Shedder } from './types.js';
import { checkCount } from './select.js';

/** Sheds a uniformly random subset, in random order: a partial Fisher–Yates shuffle, one draw per id shed. */
export function createRandomShedder(): Shedder {
  return {
    name: 'random',
    select(connections, count, _nowMs, rng) {
      checkCount(count);
      const k = Math.min(count, connections.length);
      const ids = k === 0 ? [] : connections.map((c) => c.id);
      for (let i = 0; i < k; i++) {
        const j = i + Math.floor(rng.next() * (ids.length - i));
        [ids[i], ids[j]] = [ids[j] as number, ids[i] as number];
      }
      return ids.slice(0, k);
    },
  };
}
