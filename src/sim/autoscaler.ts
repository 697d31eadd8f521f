import { runEvent } from '../metrics/index.js';
import { autoscaleDecision, meanOf, scaleInPicks, scaleOutPicks } from '../strategies/index.js';
import type { AutoscalerSpec } from './config.js';
import type { Operations } from './operations.js';
import type { SimServer } from './server.js';
import type { World } from './world.js';

/**
 * A horizontal autoscaler in the style of the Kubernetes HPA: every `intervalMs` it compares the
 * mean of a metric over active servers with the target and asks for ceil(active × mean / target)
 * servers. New servers are ready after `provisionMs`; scale-in waits out `cooldownMs` and drains
 * the newest server. Long-lived connections do not move to new servers by themselves:
 * `rebalanceShare` closes that share of the connections above the mean on the fullest servers.
 */
export class Autoscaler {
  private provisioning = 0;
  private lastScaleMs = -Infinity;
  private lastBusy: number[];
  scaleOuts = 0;
  scaleIns = 0;
  peakActive = 0;

  constructor(
    private readonly world: World,
    private readonly operations: Operations,
    private readonly spec: AutoscalerSpec,
  ) {
    this.lastBusy = world.servers.map(() => 0);
  }

  /** Servers beyond `initial` start absent; evaluations begin after one interval. */
  start(initial: number): void {
    for (const server of this.world.servers.slice(initial)) {
      server.kill(0);
      server.provisioned = false;
      this.operations.markAbsent(server);
    }
    this.peakActive = initial;
    this.world.sim.after(this.spec.intervalMs, this.evaluate);
  }

  /** Servers running or being provisioned. */
  active(): SimServer[] {
    return this.world.servers.filter((s) => s.provisioned && !s.draining);
  }

  private readonly evaluate = (): void => {
    const sim = this.world.sim;
    const active = this.active();
    const running = active.filter((s) => s.up);
    const decision = autoscaleDecision(this.spec, { active: active.length, running: running.length, mean: this.meanMetric(running), nowMs: sim.nowMs, lastScaleMs: this.lastScaleMs });
    if (decision.kind === 'out') this.scaleOut(decision.count);
    else if (decision.kind === 'in') this.scaleIn(decision.count);
    sim.after(this.spec.intervalMs, this.evaluate);
  };

  /** Mean connections per server, or mean CPU utilisation since the last evaluation. */
  private meanMetric(running: readonly SimServer[]): number {
    const now = this.world.sim.nowMs;
    const busy = this.world.servers.map((s) => s.busyMs(now));
    const cpu = running.map((s) => ((busy[s.id] as number) - (this.lastBusy[s.id] as number)) / (this.spec.intervalMs * s.cores));
    this.lastBusy = busy;
    const values = this.spec.metric === 'cpu' ? cpu : running.map((s) => s.connections);
    return meanOf(values);
  }

  private scaleOut(count: number): void {
    const servers = this.world.servers;
    const spare = scaleOutPicks(servers.filter((s) => !s.provisioned).map((s) => s.id), count).map((id) => servers[id] as SimServer);
    if (spare.length === 0) return;
    this.scaleOuts++;
    this.lastScaleMs = this.world.sim.nowMs;
    this.world.record(runEvent.scale('autoscaler:scale-out', this.world.sim.nowMs, spare.length));
    for (const server of spare) {
      server.provisioned = true;
      this.provisioning++;
      this.world.sim.after(this.spec.provisionMs, () => {
        this.provisioning--;
        this.operations.restart(server, 'server:join');
        this.operations.undrain(server);
        this.rebalance(server);
      });
    }
    this.peakActive = Math.max(this.peakActive, this.active().length);
  }

  private scaleIn(count: number): void {
    const servers = this.world.servers;
    const victims = scaleInPicks(this.active().filter((s) => s.up).map((s) => s.id), count).map((id) => servers[id] as SimServer);
    if (victims.length === 0) return;
    this.scaleIns++;
    this.lastScaleMs = this.world.sim.nowMs;
    this.world.record(runEvent.scale('autoscaler:scale-in', this.world.sim.nowMs, victims.length));
    for (const server of victims) {
      server.draining = true;
      this.operations.drain(server, this.spec.drainMs, 'autoscaler:drain');
      this.world.sim.after(this.spec.drainMs, () => {
        this.operations.crash(server, 'stop');
        server.provisioned = false;
        server.draining = false;
      });
    }
  }

  /** Sheds `rebalanceShare` of the connections above the mean from each server over it. */
  private rebalance(joined: SimServer): void {
    if (this.spec.rebalanceShare <= 0) return;
    const running = this.world.servers.filter((s) => s.up && s.provisioned && s !== joined);
    const mean = running.reduce((a, s) => a + s.connections, 0) / Math.max(1, running.length + 1);
    for (const server of running) {
      const excess = Math.floor((server.connections - mean) * this.spec.rebalanceShare);
      if (excess > 0) this.operations.shed(server, excess, this.spec.drainMs);
    }
  }
}
