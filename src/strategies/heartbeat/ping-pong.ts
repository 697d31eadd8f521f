import { HeartbeatPhase, keepTimer, type Heartbeat, type HeartbeatStep } from './types.js';

export interface PingPongOptions {
  intervalMs: number;
  timeoutMs: number;
}

/**
 * Engine.IO style: ping `intervalMs` after the connection opens or the last pong,
 * and close the connection when no pong arrives within `timeoutMs` of a ping.
 */
export function createPingPong(options: PingPongOptions): Heartbeat {
  const { intervalMs, timeoutMs } = options;
  const waitFrom = (nowMs: number): HeartbeatStep => ({ phase: HeartbeatPhase.idle, action: 'none', timerAtMs: nowMs + intervalMs });
  return {
    name: 'ping-pong',
    intervalMs,
    open: waitFrom,
    onTimer(phase, nowMs) {
      if (phase === HeartbeatPhase.awaitingPong) return { phase, action: 'terminate', timerAtMs: Infinity };
      return { phase: HeartbeatPhase.awaitingPong, action: 'ping', timerAtMs: nowMs + timeoutMs };
    },
    onPong(phase, nowMs) {
      if (phase !== HeartbeatPhase.awaitingPong) return { phase, action: 'none', timerAtMs: keepTimer };
      return waitFrom(nowMs);
    },
  };
}
