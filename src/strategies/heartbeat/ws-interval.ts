import { HeartbeatPhase, keepTimer, type Heartbeat } from './types.js';

export interface WsIntervalOptions {
  intervalMs: number;
}

/**
 * The ws README recipe: every `intervalMs`, terminate the connection if no pong came
 * since the previous ping, else ping again. A dead peer is found within one to two intervals.
 */
export function createWsInterval(options: WsIntervalOptions): Heartbeat {
  const { intervalMs } = options;
  return {
    name: 'ws-interval',
    intervalMs,
    open: (nowMs) => ({ phase: HeartbeatPhase.idle, action: 'none', timerAtMs: nowMs + intervalMs }),
    onTimer(phase, nowMs) {
      if (phase === HeartbeatPhase.awaitingPong) return { phase, action: 'terminate', timerAtMs: Infinity };
      return { phase: HeartbeatPhase.awaitingPong, action: 'ping', timerAtMs: nowMs + intervalMs };
    },
    onPong(phase) {
      return { phase: phase === HeartbeatPhase.awaitingPong ? HeartbeatPhase.idle : phase, action: 'none', timerAtMs: keepTimer };
    },
  };
}
