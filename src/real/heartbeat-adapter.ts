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
    this.openAt(this.nowMs());
  }

  /** Opens the heartbeat as if the connection had opened at `atMs` (a warm start's phase); its timer runs from now. */
  openAt(atMs: number): void {
    this.apply(this.heartbeat.open(atMs));
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

