import type { TypedRunEvent } from '../src/metrics/index.js';

/** What the page asks of a run worker. `speed` is virtual ms per wall second; Infinity runs flat out. */
export type ToWorker =
  | { type: 'start'; runId: number; yaml: string; name: string; scale: number; speed: number; paused: boolean }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step' }
  | { type: 'speed'; speed: number };

/** What a run worker reports: every message carries the run it belongs to, so a restarted run ignores stale ones. */
export type FromWorker =
  | { type: 'invalid'; runId: number; message: string }
  | { type: 'started'; runId: number; columns: string[] }
  | { type: 'frame'; runId: number; nowMs: number; events: number; rows: number[][]; log: TypedRunEvent[]; paused: boolean }
  | { type: 'done'; runId: number; summaryJson: string; events: TypedRunEvent[]; wallMs: number }
  | { type: 'error'; runId: number; message: string };
