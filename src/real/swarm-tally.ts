import { runClock } from './clock.js';
import type { SwarmSample } from './protocol.js';

/** warming: a warm start's connect before time 0; warm: connected before time 0, waiting for it. */
export type ClientState = 'absent' | 'warming' | 'warm' | 'waiting' | 'connecting' | 'connected' | 'gaveUp' | 'departed';

/** What a swarm's tally reads and sets on each of its clients. */
export interface TalliedClient {
  id: number;
  state: ClientState;
  /** The server the client is on (-1: not known or not connected). */
  server: number;
  attempt: number;
  timer: NodeJS.Timeout | null;
  /** When the session ends (Infinity until the first connect, or for a client that stays), and its timer. */
  deadlineMs: number;
  departure: NodeJS.Timeout | null;
}

/** The longest delay a Node timer takes (about 24.8 days): a session beyond it outlasts any real run. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * What every client swarm (the bundled ws one and the socket.io-client one) counts alike: the run clock, arrivals,
 * sessions, the clients present and connected with their time-weighted areas, the outcome counters, and the sample.
 */
export class SwarmTally {
  readonly k = { attempts: 0, succeeded: 0, refused: 0, failed: 0, timeouts: 0, drops: 0, flaps: 0, moved: 0, silenceTimeouts: 0, published: 0, departed: 0 };
  latencies: number[] = [];
  connected = 0;
  present = 0;
  nowMs: () => number = () => 0;
  private areaAtMs = 0;
  private connectedArea = 0;
  private presentArea = 0;

  constructor(private readonly servers: number) {}

  /** Time 0 is `startEpochMs`: each client arrives at its time (index: client id), but the first `warm`, there at time 0. */
  start<C extends TalliedClient>(startEpochMs: number, clients: readonly C[], arrivalsMs: readonly number[], arrive: (c: C) => void, warm = 0): void {
    this.nowMs = runClock(startEpochMs);
    for (const c of clients) {
      if (c.id < warm) continue;
      const atMs = arrivalsMs[c.id] as number;
      c.timer = setTimeout(() => {
        arrive(c);
      }, Math.max(0, atMs - this.nowMs()));
    }
  }

  /** The first connect starts the client's session, as in the sim: `depart` when it ends, whatever its state then. */
  startSession(c: TalliedClient, sessionMs: number, depart: () => void): void {
    if (c.deadlineMs !== Infinity || !Number.isFinite(sessionMs)) return;
    c.deadlineMs = this.nowMs() + sessionMs;
    if (sessionMs < MAX_TIMER_MS) c.departure = setTimeout(depart, sessionMs);
  }

  /** A client is gone for good (its session ended): it counts neither as present nor as connected from now on. */
  departed(c: TalliedClient): void {
    c.departure = null;
    this.area();
    if (c.state === 'connected') this.connected--;
    this.present--;
    this.k.departed++;
  }

  /** Advances the time-weighted areas of connected and present clients to now. */
  area(): void {
    const now = this.nowMs();
    this.connectedArea += this.connected * (now - this.areaAtMs);
    this.presentArea += this.present * (now - this.areaAtMs);
    this.areaAtMs = now;
  }

  /** The counters now, with the latencies since the last sample and what only one kind of swarm measures. */
  sample(clients: readonly TalliedClient[], rest: Pick<SwarmSample, 'flapped' | 'messages' | 'decisions' | 'subscribers'>): SwarmSample {
    this.area();
    const byState = (s: ClientState): number => clients.reduce((n, c) => n + (c.state === s ? 1 : 0), 0);
    const connectedByServer = new Array<number>(this.servers).fill(0);
    for (const c of clients) if (c.state === 'connected' && c.server >= 0) connectedByServer[c.server] = (connectedByServer[c.server] ?? 0) + 1;
    const latencies = this.latencies;
    this.latencies = [];
    return {
      present: this.present,
      connected: this.connected,
      connecting: byState('connecting'),
      waiting: byState('waiting'),
      gaveUp: byState('gaveUp'),
      ...this.k,
      connectedArea: this.connectedArea,
      presentArea: this.presentArea,
      attemptsMax: clients.reduce((m, c) => Math.max(m, c.attempt), 0),
      latenciesMs: latencies,
      connectedByServer,
      ...rest,
    };
  }
}
