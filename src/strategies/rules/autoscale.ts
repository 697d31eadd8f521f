/** What the autoscaler's decision reads: the `autoscaling` section's bounds, target and cooldown. */
export interface AutoscaleRule {
  target: number;
  min: number;
  max: number;
  /** No scale-in sooner than this after the last change. */
  cooldownMs: number;
}

/** An autoscaler's settings, as the experiment's `autoscaling` section gives them to either world. */
export interface AutoscalerSettings extends AutoscaleRule {
  /** Mean connections per server, or mean CPU utilisation (0–1), compared with `target`. */
  metric: 'connections' | 'cpu';
  /** How often the autoscaler looks (Kubernetes HPA: 15 s). */
  intervalMs: number;
  /** From the decision to a server taking traffic (boot, image pull, readiness). */
  provisionMs: number;
  /** A scaled-in server's connections are closed over this window. */
  drainMs: number;
}

/** One evaluation's view of the fleet. */
export interface AutoscaleView {
  /** Servers running or being provisioned (not draining). */
  active: number;
  /** Of those, the ones running now: the mean is over these. */
  running: number;
  /** Mean of the metric (connections, or CPU utilisation 0–1) over the running servers; 0 with none. */
  mean: number;
  nowMs: number;
  /** When the fleet last changed size (-Infinity: never). */
  lastScaleMs: number;
}

export type AutoscaleDecision = { kind: 'out'; count: number } | { kind: 'in'; count: number } | { kind: 'hold' };

/**
 * The Kubernetes HPA's rule (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details):
 * desired = ceil(running × mean / target), within [min, max]. More than active: add the difference at once;
 * fewer: remove the difference, but only once `cooldownMs` has passed since the last change (the HPA's
 * scale-down stabilisation window). Both worlds' autoscalers decide with this.
 */
export function autoscaleDecision(rule: AutoscaleRule, view: AutoscaleView): AutoscaleDecision {
  const wanted = Math.min(rule.max, Math.max(rule.min, Math.ceil((view.running * view.mean) / rule.target)));
  if (wanted > view.active) return { kind: 'out', count: wanted - view.active };
  if (wanted < view.active && view.nowMs - view.lastScaleMs >= rule.cooldownMs) return { kind: 'in', count: view.active - wanted };
  return { kind: 'hold' };
}

/** The mean of a metric over running servers (0 with none), as both autoscalers compare it. */
export function meanOf(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Which servers a scale-out starts: the lowest ids not provisioned. */
export function scaleOutPicks(unprovisioned: readonly number[], count: number): number[] {
  return [...unprovisioned].sort((a, b) => a - b).slice(0, count);
}

/** Which servers a scale-in drains: the newest (highest ids) of the active servers that run. */
export function scaleInPicks(running: readonly number[], count: number): number[] {
  return [...running].sort((a, b) => b - a).slice(0, count);
}
