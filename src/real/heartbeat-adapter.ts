import { HeartbeatPhase, type Heartbeat, type HeartbeatStep } from '../strategies/index.js';

/** One connection's heartbeat state machine on real timers: the strategy decides, this waits and acts. */
export class HeartbeatDriver {
  private phase: HeartbeatPhase = HeartbeatPhase.off;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly heartbeat: Heartbeat,
    private readonly nowMs: () => number,
    private readonly act: { ping(): void; terminate(): void },
  ) {}

  open(): void {
    this.apply(this.heartbeat.open(this.nowMs()));
  }

  pong(): void {
    this.apply(this.heartbeat.onPong(this.phase, this.nowMs()));
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private readonly fire = (): void => {
    this.timer = null;
    this.apply(this.heartbeat.onTimer(this.phase, this.nowMs()));
  };

  private apply(step: HeartbeatStep): void {
    this.phase = step.phase;
    if (step.action === 'terminate') {
      this.stop();
      this.act.terminate();
      return;
    }
    if (step.timerAtMs === Infinity) this.stop();
    else if (!Number.isNaN(step.timerAtMs)) {
      this.stop();
      this.timer = setTimeout(this.fire, Math.max(0, step.timerAtMs - this.nowMs()));
    }
    if (step.action === 'ping') this.act.ping();
  }
}

/**
 * How long a peer may stay silent before the heartbeat gives up on it: the strategy stepped forward from
 * a fresh connection with no pong ever (ping-pong: interval + timeout; ws-interval: two intervals).
 * Clients use it to declare a silent server dead, as Engine.IO clients do; Infinity without a heartbeat.
 */
export function silenceLimitMs(heartbeat: Heartbeat): number {
  let step = heartbeat.open(0);
  for (let k = 0; k < 16 && Number.isFinite(step.timerAtMs); k++) {
    const atMs = step.timerAtMs;
    step = heartbeat.onTimer(step.phase, atMs);
    if (step.action === 'terminate') return atMs;
    if (Number.isNaN(step.timerAtMs)) return Infinity;
  }
  return Infinity;
}
