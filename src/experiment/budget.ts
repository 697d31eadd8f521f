/**
 * A size budget before any work: peak memory and event count of a run, estimated from the resolved
 * experiment alone. Pure: the machine's memory and the limit are the CLI's business.
 *
 * Per-unit costs were measured (peak RSS, /proc/self/status VmHWM) on runs of 10k–400k clients, with
 * and without messages; test/experiment/budget.test.ts keeps the estimate within 2× of measured peaks.
 * Structures grow by doubling, so the estimate charges each unit about 1.4× its packed size.
 */
import type { Experiment } from './schema/experiment.js';
import { quantityMean } from './schema/distribution.js';

/** One term of an estimate: the experiment field that drives it, how many units, and the cost of one. */
export interface BudgetTerm {
  /** The experiment path, e.g. `clients.arrivals` or `faults[2].flash-crowd.clients`. */
  field: string;
  units: number;
  /** What a unit is: `clients`, `subscriptions`, `time-series cells`, … */
  unit: string;
  perUnit: number;
  /** units × perUnit: bytes for memory terms, events for event terms. */
  total: number;
}

/** The size of one run. */
export interface RunBudget {
  memoryBytes: number;
  events: number;
  /** Memory terms, largest first; their totals add up to memoryBytes. */
  memory: BudgetTerm[];
  /** Event terms, largest first; their totals add up to events. */
  eventTerms: BudgetTerm[];
}

/** The size of a batch of runs (a sweep), `concurrent` at a time. */
export interface BatchBudget extends RunBudget {
  runs: number;
  concurrent: number;
  /** The largest single run, which `concurrent` workers may each hold at once. */
  largestRun: RunBudget;
}

/** Measured costs; see the module comment. */
export const COSTS = {
  /** Node, wsfleet, the chart renderer and the garbage collector's headroom (a 1,000-client run peaks at about this). */
  runtimeBytes: 170e6,
  /** A worker thread's own isolate and heap, on top of the main thread. */
  workerBytes: 45e6,
  /** Client columns (about 145 B packed), its timers in the event queue (56 B per slot) and the growth slack. */
  clientBytes: 400,
  /** Per client with messages: send-queue connection record, backpressure state, receiver, live list. */
  messageClientBytes: 420,
  /** Per subscription slot (about 53 B packed) and its receiver. */
  subscriptionBytes: 160,
  /** Per channel: its history ring, name and popularity entry. */
  channelBytes: 400,
  /** Per message held in a channel's history (time and size). */
  historyMessageBytes: 24,
  /** Per message waiting in a send queue (one 64-byte record) with growth slack. */
  queuedMessageBytes: 100,
  /** Per time-series cell: the row in memory, the CSV text and the chart data drawn from it. */
  timeseriesCellBytes: 120,
  /** Per finished run record a sweep keeps (summary and, for first replications, the time series) beyond the cells. */
  runRecordBytes: 200e3,
  /** Events of one connection: arrival, balancer, backend, handshake on a core, replies. */
  connectEvents: 8,
  /** Events of one heartbeat round: ping timer, pong at the server, its CPU job. */
  heartbeatEvents: 3,
  /** Events of one health check: send, arrive, result. */
  healthCheckEvents: 3,
  /** Events per message per server process it reaches (batched fan-out), or per recipient (per-recipient). */
  fanoutEvents: 2,
  /** Events of one long-poll round. */
  pollEvents: 6,
} as const;

/** Seconds a published message stays in send queues on average (path latency and consumption): the backlog per delivery rate. */
const BACKLOG_SECONDS = 0.5;

type ServerFields = NonNullable<Experiment['fleet']['server']>;

/** Estimates one run's peak memory and event count. */
export function estimateRun(e: Experiment): RunBudget {
  const durationS = e.durationMs / 1000;
  const clients = clientSources(e);
  const totalClients = clients.reduce((n, c) => n + c.units, 0);
  const groups = e.fleet.groups ?? [{ name: 'servers', servers: e.fleet.servers ?? 0, server: e.fleet.server as ServerFields }];
  const servers = Math.max(groups.reduce((n, g) => n + g.servers, 0), e.autoscaling?.max ?? 0);
  const processes = groups.reduce((n, g) => n + g.servers * g.server.processes, 0) * Math.max(1, servers / Math.max(1, groups.reduce((n, g) => n + g.servers, 0)));
  const rows = Math.ceil(e.durationMs / e.sampleIntervalMs) + 1;
  const columns = 20 + servers * 8 + (e.messages === null ? 0 : 12) + (e.polling === null ? 0 : 3);

  const memory: BudgetTerm[] = [term('(runtime: node, wsfleet, renderer)', 1, 'process', COSTS.runtimeBytes)];
  for (const c of clients) memory.push(term(c.field, c.units, 'clients', COSTS.clientBytes));
  memory.push(term('durationMs / sampleIntervalMs × servers', rows * columns, 'time-series cells', COSTS.timeseriesCellBytes));
  const eventTerms: BudgetTerm[] = [];
  for (const c of clients) eventTerms.push(term(c.field, c.units, 'clients', COSTS.connectEvents));
  const heartbeatMs = heartbeatIntervalMs(e.heartbeat);
  // A cohort heartbeat has no events per round in a steady fleet (one when a connection joins its cohort).
  if (heartbeatMs > 0 && e.heartbeatModel === 'per-connection') eventTerms.push(term('heartbeat.intervalMs', (totalClients * e.durationMs) / heartbeatMs / 2, 'heartbeat rounds', COSTS.heartbeatEvents));
  const flaps = (totalClients * e.clients.flapsPerHour * durationS) / 3600 / 2;
  if (flaps > 0) eventTerms.push(term('clients.flapsPerHour', flaps, 'reconnects', COSTS.connectEvents));
  const hc = e.balancer.healthCheck;
  eventTerms.push(term('balancer.healthCheck.intervalMs', (e.balancer.count * servers * e.durationMs) / hc.intervalMs, 'health checks', COSTS.healthCheckEvents));
  eventTerms.push(term('sampleIntervalMs', rows, 'samples', 1));
  if (e.polling !== null && e.polling.share > 0) {
    eventTerms.push(term('polling.share', (totalClients * e.polling.share * e.durationMs) / e.polling.holdMs / 2, 'polls', COSTS.pollEvents));
  }
  if (e.messages !== null) messageTerms(e, e.messages, totalClients, processes, memory, eventTerms);
  return finish(memory, eventTerms);
}

/** Estimates a batch: the main thread, `concurrent` workers each holding the largest run, and the kept records. */
export function estimateBatch(runs: readonly Experiment[], concurrent: number): BatchBudget {
  const budgets = runs.map(estimateRun);
  const largestRun = budgets.reduce((a, b) => (b.memoryBytes > a.memoryBytes ? b : a));
  const jobs = Math.max(1, Math.min(concurrent, runs.length));
  const perRun = largestRun.memoryBytes - COSTS.runtimeBytes + COSTS.workerBytes;
  const memory = [
    term('(runtime: node, wsfleet, renderer)', 1, 'process', COSTS.runtimeBytes),
    term(`--jobs × largest run (${largestRun.memory.filter((t) => t.units !== 1).slice(0, 2).map(describeTerm).join('; ')})`, jobs, 'runs at once', perRun),
    term('sweep.grid × sweep.replications', runs.length, 'run records', COSTS.runRecordBytes),
  ];
  const eventTerms = [term('sweep.grid × sweep.replications', runs.length, 'runs', budgets.reduce((n, b) => n + b.events, 0) / runs.length)];
  return { ...finish(memory, eventTerms), runs: runs.length, concurrent: jobs, largestRun };
}

function messageTerms(e: Experiment, m: NonNullable<Experiment['messages']>, clients: number, processes: number, memory: BudgetTerm[], events: BudgetTerm[]): void {
  const durationS = e.durationMs / 1000;
  const subs = clients * m.subscriptionsPerClient;
  memory.push(term('clients × messages', clients, 'clients with messages', COSTS.messageClientBytes));
  memory.push(term('messages.subscriptionsPerClient', subs, 'subscriptions', COSTS.subscriptionBytes));
  memory.push(term('messages.channels', m.channels, 'channels', COSTS.channelBytes));
  // Recipients of a message on a channel drawn by popularity: subscribers × Σ p².
  const recipients = subs * sumOfSquares(m.channels, m.popularityExponent);
  const publishesPerSec = m.backendPerSec + quantityMean(m.clientPerSec) * clients;
  const maxHistory = m.history.maxMessages === 'unbounded' ? Infinity : m.history.maxMessages;
  const ttlS = m.history.ttlMs === 'forever' ? durationS : Math.min(durationS, m.history.ttlMs / 1000);
  const held = Math.min(m.channels * maxHistory, publishesPerSec * ttlS);
  if (held > 0) memory.push(term('messages.history', held, 'messages in history', COSTS.historyMessageBytes));
  const deliveriesPerSec = publishesPerSec * recipients;
  if (deliveriesPerSec > 0) memory.push(term('messages.backendPerSec + clientPerSec', deliveriesPerSec * BACKLOG_SECONDS, 'messages queued', COSTS.queuedMessageBytes));
  const publishes = publishesPerSec * durationS;
  const reach = m.fanout === 'per-recipient' ? recipients : m.broker.targets === 'every-server' ? processes : Math.min(processes, recipients);
  if (publishes > 0) events.push(term('messages.backendPerSec + clientPerSec', publishes, 'publishes', 3 + COSTS.fanoutEvents * reach));
}

/** Σ p_c² of Zipf popularity over `channels`: the chance two draws pick the same channel. */
function sumOfSquares(channels: number, exponent: number): number {
  let total = 0;
  let squares = 0;
  for (let c = 1; c <= channels; c++) {
    const w = Math.pow(c, -exponent);
    total += w;
    squares += w * w;
  }
  return squares / (total * total);
}

/** Every source of clients: the arrivals and each flash crowd. */
function clientSources(e: Experiment): { field: string; units: number }[] {
  const out: { field: string; units: number }[] = [];
  const a = e.clients.arrivals as { ramp?: { clients: number }; poisson?: { ratePerSec: number; startMs?: number; stopMs?: number } };
  if (e.clients.initial > 0) out.push({ field: 'clients.initial', units: e.clients.initial });
  if (a.ramp !== undefined) out.push({ field: 'clients.arrivals.ramp.clients', units: a.ramp.clients });
  if (a.poisson !== undefined) {
    const from = a.poisson.startMs ?? 0;
    const to = Math.min(e.durationMs, a.poisson.stopMs ?? Infinity);
    out.push({ field: 'clients.arrivals.poisson.ratePerSec × durationMs', units: Math.max(0, Math.round((a.poisson.ratePerSec * (to - from)) / 1000)) });
  }
  e.faults.forEach((f, k) => {
    const crowd = (f as { 'flash-crowd'?: { clients: number; atMs: number } })['flash-crowd'];
    if (crowd !== undefined && crowd.atMs < e.durationMs) out.push({ field: `faults[${String(k)}].flash-crowd.clients`, units: crowd.clients });
  });
  return out;
}

/** The heartbeat's interval in ms, or 0 without one. */
function heartbeatIntervalMs(choice: Experiment['heartbeat']): number {
  const entry: [string, unknown] = typeof choice === 'string' ? [choice, {}] : (Object.entries(choice as Record<string, unknown>)[0] ?? ['none', {}]);
  const [name, options] = entry;
  if (name === 'none') return 0;
  const interval = (options as { intervalMs?: unknown } | null)?.intervalMs;
  return typeof interval === 'number' ? interval : name === 'ws-interval' ? 30_000 : 25_000;
}

function term(field: string, units: number, unit: string, perUnit: number): BudgetTerm {
  return { field, units, unit, perUnit, total: units * perUnit };
}

function finish(memory: BudgetTerm[], eventTerms: BudgetTerm[]): RunBudget {
  const byTotal = (a: BudgetTerm, b: BudgetTerm): number => b.total - a.total;
  return {
    memoryBytes: Math.round(memory.reduce((n, t) => n + t.total, 0)),
    events: Math.round(eventTerms.reduce((n, t) => n + t.total, 0)),
    memory: [...memory].sort(byTotal),
    eventTerms: [...eventTerms].sort(byTotal),
  };
}

/** Bytes in SI units: 1.2 GB, 350 MB, 180 B. */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [
    [1e12, 'TB'],
    [1e9, 'GB'],
    [1e6, 'MB'],
    [1e3, 'kB'],
  ];
  for (const [size, name] of units) if (bytes >= size) return `${(bytes / size).toFixed(bytes >= 10 * size ? 0 : 1)} ${name}`;
  return `${String(Math.round(bytes))} B`;
}

/** A count with thousands separators, or in millions/billions when large. */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} billion`;
  return Math.round(n).toLocaleString('en-US');
}

/** One memory term in words: `clients.arrivals.ramp.clients: 16,000,000 clients × ~400 B = 6.4 GB`. */
export function describeTerm(t: BudgetTerm): string {
  if (t.units === 1) return `${t.field}: ${formatBytes(t.total)}`;
  return `${t.field}: ${formatCount(t.units)} ${t.unit} × ~${formatBytes(t.perUnit)} = ${formatBytes(t.total)}`;
}

/** One event term in words: `heartbeat.intervalMs: 3,600,000 heartbeat rounds × ~3 = 10,800,000 events`. */
export function describeEventTerm(t: BudgetTerm): string {
  return `${t.field}: ${formatCount(t.units)} ${t.unit} × ~${formatCount(t.perUnit)} = ${formatCount(t.total)} events`;
}
