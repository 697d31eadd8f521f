import { compileDistribution, RngStreams, Simulation, type Distribution, type Rng } from '../engine/index.js';
import { LatencyRecorder, TimeWeighted, type DecisionLog, type TypedRunEvent } from '../metrics/index.js';
import type { SimConfig } from './config.js';
import { ClientTable, connClient, connEpoch } from './clients.js';
import { Counters } from './counters.js';
import type { LaneHelper } from './heartbeat-lane.js';
import { SimServer } from './server.js';

/** The random streams of the fleet's rooms, each named so that one room's draws never shift another's. */
export interface FleetRngs {
  readonly backoff: Rng;
  readonly network: Rng;
  readonly sessions: Rng;
  readonly dns: Rng;
  readonly health: Rng;
  readonly flaps: Rng;
  readonly drain: Rng;
  readonly admission: Rng;
  /** Each connection's maximum age (server.maxConnectionAgeMs). */
  readonly connectionAge: Rng;
}

/**
 * What every room of the fleet model shares: the clock, the client table, the servers, the
 * counters and recorders, and the run's log. It holds state, not behaviour; the rooms act on it.
 */
export class World {
  readonly sim = new Simulation();
  readonly clients = new ClientTable();
  readonly servers: SimServer[];
  readonly counters = new Counters();
  /** Advances the cohort heartbeat's lanes on another thread (the CLI's lane worker); null: this thread does all of it. */
  laneHelper: LaneHelper | null = null;
  readonly connectLatency = new LatencyRecorder();
  readonly handshakeWait = new LatencyRecorder();
  readonly connected = new TimeWeighted();
  readonly present = new TimeWeighted();
  readonly events: TypedRunEvent[] = [];
  /** Clients in each state, kept as transitions happen. */
  readonly inState = new Int32Array(8);
  readonly backendLatency: Distribution;
  readonly streams: RngStreams;
  readonly rng: FleetRngs;

  /**
   * @param decisions where the rooms write the decisions of shared rules (backoff, admission, health,
   *   heartbeat closes), for the differential test against real mode; null logs nothing. Call sites write
   *   `decisions?.record({...})`, so a run without a log builds no entry.
   */
  constructor(
    readonly config: SimConfig,
    readonly decisions: DecisionLog | null = null,
  ) {
    const streams = new RngStreams(config.seed);
    this.streams = streams;
    this.rng = {
      backoff: streams.stream('backoff'),
      network: streams.stream('network'),
      sessions: streams.stream('sessions'),
      dns: streams.stream('dns'),
      health: streams.stream('health'),
      flaps: streams.stream('flaps'),
      drain: streams.stream('drain'),
      admission: streams.stream('admission'),
      connectionAge: streams.stream('connection-age'),
    };
    this.backendLatency = compileDistribution(config.network.backendLatencyMs);
    const cpuStreams = streams.fork('cpu');
    const groups = config.servers.flatMap((group) => Array.from({ length: group.count }, () => group));
    const last = config.servers[config.servers.length - 1];
    // An autoscaler may add servers of the last group's type, up to its max.
    if (config.autoscaler !== null && last !== undefined) while (groups.length < config.autoscaler.max) groups.push(last);
    this.servers = groups.map((group, id) => new SimServer(id, group.name, group.spec, cpuStreams.stream(`server-${String(id)}`)));
  }

  /** Adds an event to the run's log (events.csv). */
  record(event: TypedRunEvent): void {
    this.events.push(event);
  }

  /** The client of an event about its current attempt, or -1 for a stale event. */
  current(arg: number): number {
    const i = connClient(arg);
    return this.clients.c.epoch[i] === connEpoch(arg) ? i : -1;
  }

  /** Whether client i long-polls. */
  isPolling(i: number): boolean {
    return this.clients.c.polling[i] === 1;
  }

  /** The server holding client i's connection or attempt; the caller knows there is one. */
  serverOf(i: number): SimServer {
    return this.servers[this.clients.c.server[i] as number] as SimServer;
  }
}
