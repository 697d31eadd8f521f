import type { Resume } from './types.js';
import { fresh } from './decisions.js';

/** Never resumes: a reconnecting client subscribes from now, as a plain ws server without history does. */
export function createNoResume(): Resume {
  return {
    name: 'none',
    // Nothing is replayed, so nothing can be overtaken.
    ordering: 'buffer',
    onReconnect(lastSerial, history) {
      return fresh(lastSerial, history);
    },
  };
}
