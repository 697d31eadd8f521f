import { CONNECTION_COLUMNS, LatencyRecorder, REAL_MESSAGE_COLUMNS, SERVER_COLUMNS, type Table } from '../metrics/index.js';
import type { RealConfig } from './config.js';
import type { ProxySample, ServerSample, SwarmSample } from './protocol.js';


/** Server counters summed over every process a server has run as (a restart starts them at 0). */
const CARRIED = ['cpuMs', 'handshakes', 'refusals', 'pings', 'pongs', 'heartbeatTimeouts', 'shed', 'drained', 'recycled', 'messagesSent', 'messagesDropped', 'messagesReplayed', 'messagesFromClients', 'slowDisconnects', 'resumes', 'resumeGaps', 'pollRequests', 'pollSessionUnknown', 'pollAnsweredWithData', 'pollAnsweredEmpty', 'pollSessionTimeouts'] as const;
type CarriedCounter = (typeof CARRIED)[number];

/** What the parent gathered at one sample time. */
export interface Gathered {
  servers: (ServerSample | null)[];
  up: boolean[];
  swarms: (SwarmSample | null)[];
  proxies: (ProxySample | null)[];
  /** Messages the run's publisher has sent so far. */
  published: number;
}

type SwarmTotals = Omit<SwarmSample, 'latenciesMs' | 'flapped' | 'connectedByServer' | 'messages' | 'decisions' | 'subscribers'>;

/**
 * Turns gathered counters into one wide row per interval and keeps the running totals the summary needs.
 * Counters are cumulative in the children; a child that did not answer keeps its last answer.
 */
export class RealSampler {
  readonly table: Table;
  readonly latency = new LatencyRecorder();
  readonly flapped = new Map<string, number>();
  /** Dead-peer detections: the server's heartbeat closed a connection whose client had flapped; ms from flap to close. */
  readonly detectionsMs: number[] = [];
  /** Heartbeat closes of connections whose client had not flapped (a stopped or slow peer), as the sim counts heartbeat.timeouts. */
  liveTimeouts = 0;
  swarms: (SwarmSample | null)[] = [];
  /** Per server: counters of the process now running, and totals carried over from earlier ones (crashes). */
  readonly serverLast: (ServerSample | null)[];
  readonly serverCarried: Record<CarriedCounter, number>[];
  readonly serverUpMs: number[];
  peakMemoryBytes = 0;
  /** Each proxy's latest answer. */
  proxies: (ProxySample | null)[] = [];
  private lastFleet: number[] = [];
  private lastServerCounts: number[][];
  /** The latest sample's time. */
  lastTimeMs = 0;
  private lastMessages = [0, 0, 0];
  private readonly withMessages: boolean;

  constructor(config: RealConfig) {
    const n = config.servers.length;
    this.withMessages = config.messages !== null;
    const messageColumns = this.withMessages ? REAL_MESSAGE_COLUMNS : [];
    this.table = { columns: ['timeMs', ...CONNECTION_COLUMNS, ...messageColumns, ...Array.from({ length: n }, (_, s) => SERVER_COLUMNS.map((k) => `server.${String(s)}.${k}`)).flat()], rows: [] };
    this.serverLast = Array.from({ length: n }, () => null);
    this.serverCarried = Array.from({ length: n }, () => Object.fromEntries(CARRIED.map((k) => [k, 0])) as Record<CarriedCounter, number>);
    this.serverUpMs = new Array<number>(n).fill(0);
    this.lastServerCounts = Array.from({ length: n }, () => [0, 0, 0]);
  }

  /** Swarm counters summed over the swarms' latest answers. */
  totals(): SwarmTotals {
    const sum = (key: keyof SwarmTotals): number => this.swarms.reduce((a, s) => a + (s === null ? 0 : s[key]), 0);
    const keys: (keyof SwarmTotals)[] = ['present', 'connected', 'connecting', 'waiting', 'gaveUp', 'attempts', 'succeeded', 'refused', 'failed', 'timeouts', 'drops', 'flaps', 'moved', 'silenceTimeouts', 'published', 'departed', 'connectedArea', 'presentArea'];
    const out = Object.fromEntries(keys.map((k) => [k, sum(k)])) as unknown as SwarmTotals;
    out.attemptsMax = this.swarms.reduce((m, s) => Math.max(m, s?.attemptsMax ?? 0), 0);
    return out;
  }

  /** The clients' receiver counts, summed over the swarms. */
  messageTotals(): SwarmSample['messages'] {
    const out = { delivered: 0, duplicates: 0, outOfOrder: 0, lost: 0 };
    for (const s of this.swarms) {
      if (s === null) continue;
      for (const key of Object.keys(out) as (keyof typeof out)[]) out[key] += s.messages[key];
    }
    return out;
  }

  /** Subscribed clients, those with a loss and the largest loss of one client, over the swarms. */
  subscriberTotals(): SwarmSample['subscribers'] {
    const out = { subscribed: 0, withLoss: 0, maxLost: 0 };
    for (const s of this.swarms) {
      if (s === null) continue;
      out.subscribed += s.subscribers.subscribed;
      out.withLoss += s.subscribers.withLoss;
      out.maxLost = Math.max(out.maxLost, s.subscribers.maxLost);
    }
    return out;
  }

  /** CPU time of the proxy processes at their latest answers, ms. */
  proxyCpuMs(): number {
    return this.proxies.reduce((a, p) => a + (p?.cpuMs ?? 0), 0);
  }

  /** A server's counter summed over every process it has run as. */
  serverTotal(s: number, key: keyof RealSampler['serverCarried'][number]): number {
    return (this.serverCarried[s]?.[key] ?? 0) + (this.serverLast[s]?.[key] ?? 0);
  }

  row(timeMs: number, g: Gathered): void {
    this.swarms = g.swarms.map((s, k) => s ?? this.swarms[k] ?? null);
    for (const s of g.swarms) {
      if (s === null) continue;
      for (const v of s.latenciesMs) this.latency.record(v);
      for (const f of s.flapped) this.flapped.set(f.key, f.atMs);
    }
    this.proxies = g.proxies.map((p, b) => p ?? this.proxies[b] ?? null);
    g.servers.forEach((sample, s) => {
      const last = this.serverLast[s] ?? null;
      // A new process (restart) starts its counters at 0: carry the old one's totals.
      if (last !== null && (sample === null || sample.cpuMs < last.cpuMs)) {
        const carried = this.serverCarried[s] as RealSampler['serverCarried'][number];
        for (const key of Object.keys(carried) as (keyof typeof carried)[]) carried[key] += last[key];
        this.serverLast[s] = null;
      }
      if (sample !== null) {
        this.serverLast[s] = sample;
        for (const d of sample.deadPeers) {
          const flappedAtMs = this.flapped.get(d.key);
          if (flappedAtMs === undefined) this.liveTimeouts++;
          else this.detectionsMs.push(d.atMs - flappedAtMs);
        }
        sample.deadPeers = [];
        this.peakMemoryBytes = Math.max(this.peakMemoryBytes, sample.memoryBytes);
      }
      if (g.up[s] === true) this.serverUpMs[s] = (this.serverUpMs[s] ?? 0) + (timeMs - this.lastTimeMs);
    });
    const t = this.totals();
    const fleetCounts = [t.attempts, t.succeeded, t.refused, t.failed, t.timeouts, t.drops, this.liveTimeouts];
    const intervalMs = timeMs - this.lastTimeMs;
    const row = [
      timeMs,
      t.present,
      t.connected,
      t.connecting,
      t.waiting,
      t.gaveUp,
      ...fleetCounts.map((v, j) => v - (this.lastFleet[j] ?? 0)),
      g.up.filter(Boolean).length,
    ];
    if (this.withMessages) {
      const dropped = g.servers.reduce((a, _, s) => a + this.serverTotal(s, 'messagesDropped'), 0);
      const fromClients = g.servers.reduce((a, _, s) => a + this.serverTotal(s, 'messagesFromClients'), 0);
      const counts = [g.published + fromClients, this.messageTotals().delivered, dropped];
      row.push(...counts.map((v, j) => v - (this.lastMessages[j] ?? 0)));
      this.lastMessages = counts;
    }
    g.servers.forEach((sample, s) => {
      const counts = [this.serverTotal(s, 'cpuMs'), this.serverTotal(s, 'handshakes'), this.serverTotal(s, 'refusals')];
      const [cpu, handshakes, refusals] = counts.map((v, j) => v - ((this.lastServerCounts[s] as number[])[j] as number)) as [number, number, number];
      this.lastServerCounts[s] = counts;
      const up = g.up[s] === true;
      row.push(up ? (sample?.connections ?? 0) : 0, cpu / intervalMs, up ? (sample?.handshaking ?? 0) : 0, up ? (sample?.memoryBytes ?? 0) : 0, handshakes, refusals, up ? 1 : 0);
    });
    this.table.rows.push(row);
    this.lastFleet = fleetCounts;
    this.lastTimeMs = timeMs;
  }
}
