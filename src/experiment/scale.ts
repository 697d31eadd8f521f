/**
 * `--scale F`: the same experiment with F times the clients. Client counts (ramps, warm starts, flash crowds)
 * and arrival rates are multiplied, and so is an autoscaling target in connections; server
 * capacities, times and the fleet stay, so a small F is for smoke tests and quick looks, not for answers.
 */
export function scaleClients(data: Record<string, unknown>, factor: number): void {
  if (!(Number.isFinite(factor) && factor > 0)) throw new TypeError(`Expected \`scale\` to be a number above 0, got ${String(factor)}`);
  const count = (n: unknown): unknown => (typeof n === 'number' ? Math.max(1, Math.round(n * factor)) : n);
  const clients = mapAt(data, ['clients']);
  if (clients && typeof clients.initial === 'number' && clients.initial > 0) clients.initial = count(clients.initial);
  const arrivals = mapAt(data, ['clients', 'arrivals']);
  const ramp = mapAt(arrivals, ['ramp']);
  if (ramp) ramp.clients = count(ramp.clients);
  const poisson = mapAt(arrivals, ['poisson']);
  if (poisson && typeof poisson.ratePerSec === 'number') poisson.ratePerSec *= factor;
  for (const fault of Array.isArray(data.faults) ? (data.faults as unknown[]) : []) {
    const crowd = mapAt(fault, ['flash-crowd']);
    if (crowd) crowd.clients = count(crowd.clients);
  }
  const autoscaling = mapAt(data, ['autoscaling']);
  if (autoscaling?.metric === 'connections' && typeof autoscaling.target === 'number') autoscaling.target *= factor;
}

function mapAt(node: unknown, path: readonly string[]): Record<string, unknown> | undefined {
  let at = node;
  for (const key of path) at = typeof at === 'object' && at !== null && !Array.isArray(at) ? (at as Record<string, unknown>)[key] : undefined;
  return typeof at === 'object' && at !== null && !Array.isArray(at) ? (at as Record<string, unknown>) : undefined;
}
