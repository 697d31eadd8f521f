import { HeartbeatPhase, type Heartbeat, type HeartbeatStep } from './types.js';

const off: HeartbeatStep = { phase: HeartbeatPhase.off, action: 'none', timerAtMs: Infinity };

/** No heartbeat: dead peers are found only when TCP reports them. */
export function createNoHeartbeat(): Heartbeat {
  return { name: 'none', intervalMs: 0, open: () => off, onTimer: () => off, onPong: () => off };
}
