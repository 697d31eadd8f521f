import type { Heartbeat, HeartbeatPhase } from '../heartbeat/types.js';

/** Linux TCP keepalive: 7200 s idle, then 9 probes 75 s apart. */
export const TCP_KEEPALIVE_DETECT_MS = (7200 + 9 * 75) * 1000;

/** Timer firings a heartbeat may take to give up on a silent peer before it counts as never. */
const MAX_STEPS = 16;

/**
 * When the heartbeat gives up on a peer that never answers again, from its `phase` and its timer due
 * at `timerAtMs`: the strategy is a pure state machine, so it is stepped forward without pongs, up to
 * 16 firings. A step that keeps the timer (NaN) fires again at the same time. Null: it never gives up.
 */
export function heartbeatGiveUpAtMs(heartbeat: Heartbeat, phase: HeartbeatPhase, timerAtMs: number): number | null {
  let current = phase;
  let atMs = timerAtMs;
  for (let step = 0; step < MAX_STEPS && Number.isFinite(atMs); step++) {
    const next = heartbeat.onTimer(current, atMs);
    if (next.action === 'terminate') return atMs;
    current = next.phase;
    if (!Number.isNaN(next.timerAtMs)) atMs = next.timerAtMs;
  }
  return null;
}

/** When a server notices a dead peer: its heartbeat's give-up time, or TCP keepalive's from `nowMs`. */
export function deadPeerDetectedAtMs(heartbeat: Heartbeat, phase: HeartbeatPhase, timerAtMs: number, nowMs: number): number {
  return heartbeatGiveUpAtMs(heartbeat, phase, timerAtMs) ?? nowMs + TCP_KEEPALIVE_DETECT_MS;
}

/**
 * How long a peer may stay silent from a fresh connection before the heartbeat gives up on it
 * (ping-pong: interval + timeout; ws-interval: two intervals); Infinity without a heartbeat.
 */
export function silenceLimitMs(heartbeat: Heartbeat): number {
  const opened = heartbeat.open(0);
  return heartbeatGiveUpAtMs(heartbeat, opened.phase, opened.timerAtMs) ?? Infinity;
}

/**
 * How long before now a connection open before the run (a warm start) opened its heartbeat: `phase` (in [0, 1))
 * of the way to its first step, so a warm fleet's pings are spread as in one that has been up a while. NaN: a
 * connection opened now (0).
 */
export function warmHeartbeatAgoMs(heartbeat: Heartbeat, phase: number): number {
  const firstMs = Number.isNaN(phase) ? 0 : heartbeat.open(0).timerAtMs;
  return Number.isFinite(firstMs) && firstMs > 0 ? phase * firstMs : 0;
}
