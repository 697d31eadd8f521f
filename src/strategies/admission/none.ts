import type { Shedder } from './types.js';
import { checkCount } from './select.js';

/** Never sheds: a server over its limit keeps every connection until clients leave or it dies. */
export function createNoShedding(): Shedder {
  return {
    name: 'none',
    select(_connections, count) {
      checkCount(count);
      return [];
    },
  };
}
