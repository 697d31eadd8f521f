import { compileDistribution } from '../engine/index.js';
import type { DecisionLog } from '../metrics/index.js';
import type { SimConfig } from './config.js';
import { BalancerTier, type SimBalancer } from './balancer.js';
import { Broker } from './broker.js';
import { ClientSide } from './client-side.js';
import { ConnectionTimers } from './connection-timers.js';
import { Operations } from './operations.js';
import { LongPolling } from './polling.js';
import type { Rooms } from './ports.js';
import { PubSub } from './pubsub.js';
import { ServerSide } from './server-side.js';
import { World } from './world.js';

/**
 * The fleet model: clients → balancer tier → servers, in virtual time, assembled from rooms that
 * mirror real mode's processes. Every message is an event after a network delay; every
 * server-side action that costs CPU queues on a process's cores, so a saturated server answers
 * pongs and health checks late, its healthy clients time out and reconnect, adding handshakes:
 * the storm feeds itself.
 *
 * This class only builds the rooms and wires them: each room reaches another through `Rooms`
 * (typed ports), never through this class.
 */
export class Fleet implements Rooms {
  readonly world: World;
  readonly clientSide: ClientSide;
  readonly serverSide: ServerSide;
  readonly timers: ConnectionTimers;
  readonly operations: Operations;
  readonly tier: BalancerTier;
  /** Channels, send queues and resume; null when the experiment has no messages. */
  readonly pubsub: PubSub | null;
  /** Publishing and fan-out; null when the experiment has no messages. */
  readonly broker: Broker | null;
  /** The long-polling transport; null when every client uses WebSocket. */
  readonly polling: LongPolling | null;

  constructor(
    readonly config: SimConfig,
    decisions: DecisionLog | null = null,
  ) {
    const world = new World(config, decisions);
    this.world = world;
    this.timers = new ConnectionTimers(world, this);
    this.tier = new BalancerTier(world, this, config.balancer, world.streams.fork('balancer'));
    this.clientSide = new ClientSide(world, this, this.tier.list);
    this.serverSide = new ServerSide(world, this);
    this.operations = new Operations(world, this, this.tier.list);
    const messages = config.messages;
    const messageStreams = world.streams.fork('messages');
    this.pubsub =
      messages === null
        ? null
        : new PubSub(
            world,
            this,
            messages,
            messageStreams,
            compileDistribution(config.network.downlinkBytesPerSec),
            compileDistribution(config.clients.consumePerSec),
            config.network.pathBufferBytes,
          );
    this.broker = messages === null || this.pubsub === null ? null : new Broker(world, this, this.pubsub, messages, messageStreams);
    this.polling = config.polling === null ? null : new LongPolling(world, this, this.tier.list, config.polling, world.streams.stream('polling'), world.streams.fork('polling').stream('clients'));
  }

  /** Schedules arrivals, shedding checks, health checks, load reports and publishes; the runner drives the clock. */
  start(): void {
    this.clientSide.start();
    this.serverSide.start();
    this.tier.start(this.world.rng.health);
    this.serverSide.startReports();
    this.broker?.start();
  }

  /** At the end of the run: every client still here settles what it consumed; the rest is in flight. */
  finishMessages(): void {
    this.clientSide.finishMessages();
  }

  // Read-only views for the sampler, the summary and tests.
  get sim() {
    return this.world.sim;
  }
  get clients() {
    return this.world.clients;
  }
  get servers() {
    return this.world.servers;
  }
  get balancers(): readonly SimBalancer[] {
    return this.tier.list;
  }
  get counters() {
    return this.world.counters;
  }
  get events() {
    return this.world.events;
  }
  get inState() {
    return this.world.inState;
  }
  get connected() {
    return this.world.connected;
  }
  get present() {
    return this.world.present;
  }
  get connectLatency() {
    return this.world.connectLatency;
  }
  get handshakeWait() {
    return this.world.handshakeWait;
  }
}
