import type { BackpressureDecision } from './types.js';

export const dropNewest: BackpressureDecision = { kind: 'drop-newest' };

/** Enqueues the whole message. */
export function enqueue(bytes: number): BackpressureDecision {
  return { kind: 'enqueue', bytes };
}

/** Whether `bytes` more fit in a queue holding `queuedBytes` without going over `limitBytes`. */
export function fits(queuedBytes: number, bytes: number, limitBytes: number): boolean {
  return queuedBytes + bytes <= limitBytes;
}
