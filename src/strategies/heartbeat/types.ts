/** Phases of one connection's heartbeat, small integers so adapters can keep them in typed arrays. */
export const HeartbeatPhase = {
  /** No heartbeat on this connection. */
  off: 0,
  /** Connection alive; the timer fires when the next ping is due. */
  idle: 1,
  /** A ping is out; the timer fires when its pong is overdue (or the next ping is due). */
  awaitingPong: 2,
} as const;
export type HeartbeatPhase = (typeof HeartbeatPhase)[keyof typeof HeartbeatPhase];

/** What the adapter does next: send a ping, close the connection as dead, or nothing. */
export type HeartbeatAction = 'none' | 'ping' | 'terminate';

export interface HeartbeatStep {
  readonly phase: HeartbeatPhase;
  readonly action: HeartbeatAction;
  /** When to fire the connection's heartbeat timer next; NaN keeps it as it is, Infinity clears it. */
  readonly timerAtMs: number;
}

/**
 * A per-connection heartbeat state machine (server side). The adapter owns one timer
 * per connection and calls `onTimer` when it fires and `onPong` when a pong is processed.
 */
export interface Heartbeat {
  readonly name: string;
  /** Ping interval, for reports and overhead estimates; 0 when there is no heartbeat. */
  readonly intervalMs: number;
  open(nowMs: number): HeartbeatStep;
  onTimer(phase: HeartbeatPhase, nowMs: number): HeartbeatStep;
  onPong(phase: HeartbeatPhase, nowMs: number): HeartbeatStep;
}

export const keepTimer = Number.NaN;
