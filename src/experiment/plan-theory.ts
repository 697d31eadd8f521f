/**
 * The analytic estimate of a plan: what queueing theory alone asks of one configuration, printed
 * beside the simulated answer ("theory says 14 servers; the storm after a crash needs 17").
 *
 * Each bound is a textbook formula applied to the experiment's own numbers:
 * - connections, descriptors and memory: peak clients (a ramp's count, or Little's law L = λW for
 *   Poisson arrivals with finite sessions) over what one server holds;
 * - steady CPU: heartbeat and delivery CPU per connection per second against the cores, up to the
 *   utilisation an SLO allows;
 * - Erlang B: Poisson arrivals with sessions offered to connection caps, blocking kept under the
 *   bound an availability or refusal SLO sets (https://en.wikipedia.org/wiki/Erlang_(unit)#Erlang_B_formula);
 * - M/M/c (Erlang C): handshake waits, on a process's cores (https://en.wikipedia.org/wiki/M/M/c_queue):
 *   the reconnect herd after losing a server against a connect-latency SLO, and Poisson arrivals
 *   against a handshake-wait SLO;
 * - M/D/1 (Pollaczek–Khinchine, https://en.wikipedia.org/wiki/Pollaczek%E2%80%93Khinchine_formula):
 *   fan-out batches of one write per subscriber against a message-latency SLO.
 * Losing a server adds one; losing one of z zones asks z/(z − 1) times as many; a flash crowd
 * multiplies the clients. The estimate is optimistic by design: it knows no feedback loop.
 */
import { compileDistribution } from '../engine/index.js';
import { erlangB, erlangC, smallestServersErlangB, smallestServersMmcWait, type PlanSlo } from '../metrics/index.js';
import type { Experiment } from './schema/experiment.js';
import { quantityMean, toDistributionSpec } from './schema/distribution.js';
import { onlyEntry } from './schema/one-of.js';
import { zipfCdf } from '../strategies/index.js';
import type { PlanSpec } from './schema/plan.js';

type Bound = { reason: string; value: number };

/** The mean of a duration as the schema writes it: a number, or a distribution. */
export const distributionMean = (d: unknown): number => (typeof d === 'number' ? d : compileDistribution(toDistributionSpec(d as Parameters<typeof toDistributionSpec>[0])).mean);
const mean = distributionMean;
const n0 = (x: number): string => Math.round(x).toLocaleString('en-US');
const n2 = (x: number): string => x.toLocaleString('en-US', { maximumSignificantDigits: 3 });

/** The largest bound an SLO on `metric` sets with `op`, or undefined. */
function sloBound(slos: readonly PlanSlo[], metric: string, op: '<=' | '>='): number | undefined {
  const b = slos.filter((s) => s.metric === metric && s.op === op).map((s) => s.bound);
  return b.length === 0 ? undefined : op === '<=' ? Math.min(...b) : Math.max(...b);
}

/** The first option of a strategy choice such as `{ full-jitter: { baseMs } }`. */
function option(choice: unknown, key: string): number | undefined {
  if (choice === null || typeof choice !== 'object') return undefined;
  const [, opts] = onlyEntry(choice as Record<string, unknown>);
  const v = (opts as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** The p99 of the wait in an M/M/k queue: P(Wq > t) = C(k, a) e^{−(kμ − λ)t}. */
function mmkWaitP99(k: number, lambda: number, mu: number): number {
  if (lambda >= k * mu) return Number.POSITIVE_INFINITY;
  const c = erlangC(k, lambda / mu);
  return c <= 0.01 ? 0 : Math.log(c / 0.01) / (k * mu - lambda);
}

/**
 * What theory asks of one configuration for the searched value: the value and its reasons, largest
 * first. Covers the server count, a connection cap and a core count; other searched settings get
 * the search's minimum with the reason said.
 */
export function planTheory(e: Experiment, spec: PlanSpec, slos: readonly PlanSlo[], faults: readonly { kind: string }[]): { value: number; bounds: Bound[] } {
  const path = spec.search.path;
  const s = e.fleet.server;
  if (s === undefined || e.fleet.servers === undefined) return { value: spec.search.min, bounds: [{ reason: 'theory here covers one server type (fleet.server), not groups', value: spec.search.min }] };
  const [kind, arrivals] = onlyEntry(e.clients.arrivals as Record<string, unknown>);
  const session = e.clients.sessionMs === 'forever' ? Number.POSITIVE_INFINITY : mean(e.clients.sessionMs);
  const poisson = kind === 'poisson' ? (arrivals as { ratePerSec: number }).ratePerSec : undefined;
  const flash = Math.max(1, ...(spec.faults.map((f) => (typeof f === 'object' && 'flash-crowd' in f ? (f['flash-crowd']?.factor ?? 1) : 1))));
  const baseClients = kind === 'ramp' ? (arrivals as { clients: number }).clients : (poisson ?? 0) * (Math.min(session, e.durationMs) / 1000);
  const clients = baseClients * flash;
  const handshakeMs = mean(s.handshakeCostMs);
  const cores = s.processes * s.coresPerProcess;
  const bounds: Bound[] = [];
  const refusedBound = Math.min(sloBound(slos, 'connect.refused / connect.attempts', '<=') ?? 1, 1 - (sloBound(slos, 'availability', '>=') ?? 0));

  if (path.endsWith('maxConnections') && poisson !== undefined && Number.isFinite(session) && refusedBound < 1) {
    const a = (poisson * session) / 1000 / e.fleet.servers;
    const cap = smallestServersErlangB(a, refusedBound);
    bounds.push({ reason: `Erlang B: ${n2(a)} erlangs per server (λ ${n2(poisson)}/s × ${n2(session / 1000)} s ÷ ${n0(e.fleet.servers)} servers) blocked at most ${n2(refusedBound)}: B(${n0(cap)}) = ${n2(erlangB(cap, a))}`, value: cap });
    return finish(bounds, spec);
  }
  const waitBound = sloBound(slos, 'handshake.waitMs.mean', '<=');
  if (path.endsWith('coresPerProcess') && poisson !== undefined && waitBound !== undefined) {
    const lambda = poisson / 1000 / e.fleet.servers / s.processes;
    const c = smallestServersMmcWait(lambda, 1 / handshakeMs, waitBound);
    bounds.push({ reason: `M/M/c: handshakes at ${n2(lambda * 1000)}/s per process, ${n2(handshakeMs)} ms each, mean wait at most ${n2(waitBound)} ms`, value: c });
    return finish(bounds, spec);
  }
  if (path !== 'fleet.servers') return { value: spec.search.min, bounds: [{ reason: `theory here estimates fleet.servers, a connection cap or cores per process, not ${path}`, value: spec.search.min }] };

  const flashNote = flash > 1 ? ` (× ${n2(flash)} for the flash crowd)` : '';
  const peak = kind === 'ramp' ? `${n0(clients)} clients at peak${flashNote}` : `${n0(clients)} clients at peak by Little's law (λ ${n2(poisson ?? 0)}/s × ${n2(session / 1000)} s)${flashNote}`;
  bounds.push({ reason: `connections: ${peak} ÷ ${n0(s.maxConnections)} per server`, value: Math.ceil(clients / s.maxConnections) });
  bounds.push({ reason: `descriptors: ${peak} ÷ (${n0(s.processes)} × ${n0(s.fileDescriptors)}) per server`, value: Math.ceil(clients / (s.processes * s.fileDescriptors)) });
  const perProcess = Math.floor((s.memory.limitBytes - s.memory.baseBytes) / Math.max(1, s.memory.perConnectionBytes));
  bounds.push({ reason: `memory: ${peak} ÷ ${n0(perProcess * s.processes)} per server (${n2(s.memory.perConnectionBytes / 1024)} KB each within the limit)`, value: Math.ceil(clients / Math.max(1, perProcess * s.processes)) });

  const interval = option(e.heartbeat, 'intervalMs');
  const heartbeatMsPerSec = interval === undefined ? 0 : ((mean(s.pingCostMs) + mean(s.pongCostMs)) * 1000) / interval;
  const m = e.messages;
  // Publishes and subscriptions both pick channels by popularity p_c (Zipf), so a client receives
  // (publishes/s) × subscriptions × Σ p_c² messages a second: 1 / channels when all are equally popular.
  const popularity = m === null ? new Float64Array(0) : zipfCdf(m.channels, m.popularityExponent);
  const shares = Array.from(popularity, (c, k) => c - (k === 0 ? 0 : (popularity[k - 1] as number)));
  const sumSq = shares.reduce((a, p) => a + p * p, 0);
  const deliveriesPerSec = m === null ? 0 : (m.backendPerSec + quantityMean(m.clientPerSec) * clients) * m.subscriptionsPerClient * sumSq;
  const cpuPerConn = heartbeatMsPerSec + deliveriesPerSec * mean(s.messageOutCostMs);
  const rho = Math.min(1, sloBound(slos, 'servers.cpu.utilization.max', '<=') ?? sloBound(slos, 'servers.cpu.utilization.mean', '<=') ?? 1);
  if (cpuPerConn > 0) {
    bounds.push({
      reason: `steady CPU: ${peak} × ${n2(cpuPerConn)} ms/s each (heartbeat${m === null ? '' : ` and ${n2(deliveriesPerSec)} deliveries/s, channels by popularity`}) on ${n0(cores)} cores per server at ${n2(rho * 100)} % utilisation`,
      value: Math.ceil((clients * cpuPerConn) / (1000 * cores * rho)),
    });
  }
  const messageP99 = sloBound(slos, 'messages.latencyMs.p99', '<=');
  if (m !== null && messageP99 !== undefined && m.channels > 0) {
    // Fan-out on a process: each message is a batch, one write per local subscriber; messages of the
    // process's channels arrive at rate λ and a batch takes S = subscribers × out, the same every
    // time: the last recipient waits the batch plus the mean queue ahead of it, M/D/1 by
    // Pollaczek–Khinchine (Wq = ρS / 2(1 − ρ)), each core taking its share of the messages.
    const out = mean(s.messageOutCostMs);
    const rate = (m.backendPerSec + quantityMean(m.clientPerSec) * clients) / 1000;
    // The hottest channel sets the largest batch: its share of every client's subscriptions.
    const subscribers = clients * m.subscriptionsPerClient * (shares[0] ?? 0);
    const fanout = (x: number): number => {
      // A channel has local subscribers on a process with probability `present`; given that, its
      // batch holds subscribers / (x · processes) / present of them (so ρ does not depend on present).
      const perProcess = subscribers / (x * s.processes);
      const present = 1 - (1 - 1 / (x * s.processes)) ** subscribers;
      const batch = (perProcess / present) * out;
      // Work on a process: every client's deliveries, an equal share to each process and core.
      const rho = (clients * deliveriesPerSec * out) / 1000 / (x * s.processes * s.coresPerProcess);
      return rho >= 1 ? Number.POSITIVE_INFINITY : batch + (rho * batch) / (2 * (1 - rho));
    };
    let n = 1;
    while (n < spec.search.max && fanout(n) > messageP99) n++;
    bounds.push({
      reason: `fan-out: ${n2(rate * 1000)} messages/s, the hottest channel to ${n0(subscribers)} subscribers at ${n2(out)} ms a recipient, batches queued M/D/1 on each core: the last recipient's batch and mean wait ≤ ${n2(messageP99)} ms`,
      value: n,
    });
  }
  if (poisson !== undefined && Number.isFinite(session) && refusedBound < 1) {
    const a = (poisson * session) / 1000;
    let n = 1;
    while (n < spec.search.max && erlangB(s.maxConnections, a / n) > refusedBound) n++;
    bounds.push({ reason: `Erlang B: ${n2(a)} erlangs over caps of ${n0(s.maxConnections)} blocked at most ${n2(refusedBound)}`, value: n });
  }
  let value = Math.max(spec.search.min, ...bounds.map((b) => b.value));
  if (faults.some((f) => f.kind === 'n+1')) {
    value += 1;
    bounds.push({ reason: `N+1: one more server than the capacity bounds (${n0(value - 1)})`, value });
  }
  const zones = spec.faults.flatMap((f) => (typeof f === 'object' && 'zone' in f && f.zone?.zones !== undefined ? [f.zone.zones] : []));
  if (zones.length > 0) {
    const z = Math.min(...zones);
    const need = Math.ceil((Math.max(spec.search.min, ...bounds.filter((b) => !b.reason.startsWith('N+1')).map((b) => b.value)) * z) / (z - 1));
    bounds.push({ reason: `a zone of ${n0(z)} lost: ${n0(z)}/${n0(z - 1)} × the capacity bound`, value: need });
    value = Math.max(value, need);
  }
  const p99 = sloBound(slos, 'connect.latencyMs.p99', '<=');
  if (p99 !== undefined && faults.some((f) => f.kind === 'n+1' || f.kind === 'zone')) {
    // The dead server's clients come back spread over their first backoff window, plus the
    // balancer's detection: attempts it still sends to the dead server fail and retry later.
    const backoff = option(e.clients.reconnect, 'baseMs') ?? option(e.clients.reconnect, 'delayMs') ?? 1000;
    const detection = e.balancer.healthCheck.intervalMs * e.balancer.healthCheck.fall;
    const window = backoff + detection;
    const mu = 1 / handshakeMs;
    let n = Math.max(2, value);
    const storm = (x: number): number => mmkWaitP99(s.coresPerProcess, clients / x / window / ((x - 1) * s.processes), mu);
    while (n < spec.search.max && storm(n) > p99) n++;
    bounds.push({
      reason: `reconnect storm after losing a server: its ${n0(clients / n)} clients over ${n2(window / 1000)} s (first backoff window ${n2(backoff)} ms + health-check detection ${n2(detection)} ms) on the other servers' processes, M/M/${n0(s.coresPerProcess)} handshake wait p99 ≤ ${n2(p99)} ms`,
      value: n,
    });
  }
  return finish(bounds, spec);
}

function finish(bounds: Bound[], spec: PlanSpec): { value: number; bounds: Bound[] } {
  const sorted = [...bounds].sort((a, b) => b.value - a.value);
  const value = Math.min(spec.search.max, Math.max(spec.search.min, ...sorted.map((b) => b.value)));
  return { value, bounds: sorted };
}
