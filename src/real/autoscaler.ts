import { runEvent, type TypedRunEvent } from '../metrics/index.js';
import { autoscaleDecision, meanOf, scaleInPicks, scaleOutPicks } from '../strategies/index.js';
import type { RealAutoscalingSpec } from './config.js';

/** What the autoscaler does to real processes; the runner performs it. */
export interface AutoscaledFleet {
  nowMs(): number;
  /** Whether server s's process runs and takes traffic. */
  isUp(s: number): boolean;
  /** Server s's measured metric: connections, or CPU utilisation (0–1) since the last evaluation. */
  metric(s: number): number;
  /** An evaluation is over: what `metric` measures from starts again, for every server. */
  evaluated(): void;
  /** Starts a process for server s now; resolves once it listens (the proxies do not know it yet). */
  spawn(s: number): Promise<void>;
  /** Puts server s into every proxy's pool. */
  join(s: number): void;
  /** Weight 0 at every proxy and its connections closed over `windowMs`, as the drain fault does. */
  drain(s: number, windowMs: number): void;
  /** Kills server s's process (its connections are already closed). */
  stop(s: number): void;
  schedule(atMs: number, action: () => void): void;
  record(event: TypedRunEvent): void;
}

/**
 * The sim's autoscaler on real processes: every `intervalMs` (at the runner's samples) the same decision rule
 * (`autoscaleDecision`) on measured metrics. A scale-out spawns a process at once for each new server and puts it
 * into the proxies' pools `provisionMs` after the decision (the spawn's own time counts into it; a process not
 * listening by then joins as soon as it listens); a scale-in drains the newest servers over `drainMs`, then
 * kills them.
 */
export class RealAutoscaler {
  private readonly provisioned: boolean[];
  private readonly draining: boolean[];
  private lastScaleMs = -Infinity;
  scaleOuts = 0;
  scaleIns = 0;
  peakActive: number;

  constructor(
    private readonly spec: RealAutoscalingSpec,
    servers: number,
    private readonly fleet: AutoscaledFleet,
  ) {
    this.provisioned = Array.from({ length: servers }, (_, s) => s < spec.initial);
    this.draining = new Array<boolean>(servers).fill(false);
    this.peakActive = Math.min(spec.initial, servers);
  }

  /** Servers running or being provisioned, not draining. */
  active(): number[] {
    return this.provisioned.flatMap((p, s) => (p && this.draining[s] !== true ? [s] : []));
  }

  /**
   * One evaluation on the sample taken at `sampledAtMs`: the cooldown is counted between sample times, as the sim
   * counts it between evaluation times, so the few ms it takes to gather a sample cannot push a scale-in that is due
   * exactly one cooldown later to the next evaluation. Processes are started and drained from now.
   */
  evaluate(sampledAtMs: number): void {
    const active = this.active();
    const running = active.filter((s) => this.fleet.isUp(s));
    const decision = autoscaleDecision(this.spec, { active: active.length, running: running.length, mean: meanOf(running.map((s) => this.fleet.metric(s))), nowMs: sampledAtMs, lastScaleMs: this.lastScaleMs });
    this.fleet.evaluated();
    if (decision.kind === 'out') this.scaleOut(decision.count, sampledAtMs);
    else if (decision.kind === 'in') this.scaleIn(scaleInPicks(running, decision.count), sampledAtMs);
  }

  private scaleOut(count: number, sampledAtMs: number): void {
    const spare = scaleOutPicks(this.provisioned.flatMap((p, s) => (p ? [] : [s])), count);
    if (spare.length === 0) return;
    const nowMs = this.fleet.nowMs();
    this.scaleOuts++;
    this.lastScaleMs = sampledAtMs;
    this.fleet.record(runEvent.scale('autoscaler:scale-out', nowMs, spare.length));
    for (const s of spare) {
      this.provisioned[s] = true;
      const spawned = this.fleet.spawn(s);
      this.fleet.schedule(nowMs + this.spec.provisionMs, () => {
        void spawned.then(() => {
          this.fleet.join(s);
        });
      });
    }
    this.peakActive = Math.max(this.peakActive, this.active().length);
  }

  private scaleIn(victims: number[], sampledAtMs: number): void {
    if (victims.length === 0) return;
    const nowMs = this.fleet.nowMs();
    this.scaleIns++;
    this.lastScaleMs = sampledAtMs;
    this.fleet.record(runEvent.scale('autoscaler:scale-in', nowMs, victims.length));
    for (const s of victims) {
      this.draining[s] = true;
      this.fleet.record(runEvent.server('autoscaler:drain', nowMs, s));
      this.fleet.drain(s, this.spec.drainMs);
      this.fleet.schedule(nowMs + this.spec.drainMs, () => {
        this.fleet.stop(s);
        this.provisioned[s] = false;
        this.draining[s] = false;
      });
    }
  }
}
