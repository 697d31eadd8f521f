import type { HistoryView } from './history.js';
import type { ResumeDecision } from './types.js';

/** Subscribe from now: everything after `lastSerial` (nothing, for a first subscription) is lost. */
export function fresh(lastSerial: number | null, history: HistoryView): ResumeDecision {
  const latest = history.latestSerial;
  return { kind: 'fresh', fromSerial: latest + 1, count: 0, lost: lastSerial === null ? 0 : latest - lastSerial };
}

/**
 * Replays what history holds after `lastSerial`, at most `maxReplay` messages (null: no cap); a gap when
 * messages were evicted or the backlog is over the cap, replaying the newest messages held within the cap.
 */
export function fromHistory(lastSerial: number, history: HistoryView, nowMs: number, maxReplay: number | null): ResumeDecision {
  const latest = history.latestSerial;
  const found = history.since(lastSerial, nowMs);
  const cap = maxReplay ?? Infinity;
  if (found.kind === 'replay' && found.serials.length <= cap) {
    return { kind: 'replay', fromSerial: lastSerial + 1, count: found.serials.length, lost: 0 };
  }
  const available = found.kind === 'replay' ? lastSerial + 1 : (found.firstAvailable ?? latest + 1);
  const fromSerial = Math.max(available, latest + 1 - cap);
  return { kind: 'gap', fromSerial, count: latest + 1 - fromSerial, lost: fromSerial - lastSerial - 1 };
}
