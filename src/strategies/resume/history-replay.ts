import type { Resume, ResumeOrdering } from './types.js';
import { fresh, fromHistory } from './decisions.js';

export interface HistoryResumeOptions {
  /** Messages replayed at most; a larger backlog is a gap that replays only the newest maxReplay. null: no cap. @default null */
  maxReplay: number | null;
  /** Live messages held until the replay is written (`buffer`), or written as they come (`none`). @default 'buffer' */
  ordering: ResumeOrdering;
}

/**
 * Replays every missed message the history still holds; when some were evicted (or the backlog is over
 * `maxReplay`), reports the gap and replays the rest. A first subscription (no last serial) starts fresh.
 * `ordering` says whether live messages wait for the replay (see ResumeOrdering).
 */
export function createHistoryResume(options: HistoryResumeOptions, name = 'history'): Resume {
  const { maxReplay, ordering } = options;
  return {
    name,
    ordering,
    onReconnect(lastSerial, history, nowMs) {
      if (lastSerial === null) return fresh(null, history);
      return fromHistory(lastSerial, history, nowMs, maxReplay);
    },
  };
}
