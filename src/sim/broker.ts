import { compileDistribution, type Distribution, type Rng, type RngStreams } from '../engine/index.js';
import { pickByCdf, type ChannelHistory } from '../strategies/index.js';
import type { MessagesSpec } from './config.js';
import { CpuQueue } from './cpu.js';
import { packConn } from './clients.js';
import { MessageTable } from './message-table.js';
import { frameBytes, MAX_PROCESSES } from './message-stats.js';
import type { Rooms } from './ports.js';
import type { PubSub } from './pubsub.js';
import type { SimServer } from './server.js';
import type { World } from './world.js';
import { log } from '../numeric/fmath.js';
import { runEvent } from '../metrics/index.js';

/** Server × process targets of one broker message, packed into an event argument with the message id. */
const TARGET_SPACE = 2 ** 26;

/**
 * Publishing, as real mode's hub: backends and clients publish, the broker shard gives each
 * message its channel's serial and history, and sends one copy to each target server process
 * (every process, as Socket.IO's Redis adapter does, or only those with subscribers), where one
 * CPU job reads it and writes it to each local subscriber through the pub/sub room: per-server
 * batching, or one job per recipient in the `per-recipient` reference mode.
 */
export class Broker {
  readonly shards: CpuQueue[];
  private readonly bytes: Distribution;
  /** Publishes per second per connected client: the same for all, or each client's own (pubsub.publishRates). */
  private readonly clientRate: Distribution;
  private readonly messages = new MessageTable();
  private readonly rng: { publish: Rng; sizes: Rng };
  private nextClientPublishMs = Infinity;
  /** Per-recipient cost of each batch, by event argument, until its fan-out runs. */
  private readonly fanoutCost = new Map<number, number>();
  /** 1 while a shard is down (broker-crash). */
  private readonly down: Uint8Array;
  /** Crashes of each shard so far; a message sent in an earlier epoch may have died in the crashed queue. */
  private readonly epoch: number[];
  /** When each shard's crashes happened, by the epoch they ended. */
  private readonly crashedAtMs: number[][];
  /** The shard epoch and the time the shard sent each message in flight to the servers, by message id. */
  private readonly sentEpoch: number[] = [];
  private readonly sentAtMs: number[] = [];

  constructor(
    private readonly world: World,
    private readonly rooms: Rooms,
    private readonly pubsub: PubSub,
    private readonly spec: MessagesSpec,
    streams: RngStreams,
  ) {
    this.rng = { publish: streams.stream('publish'), sizes: streams.stream('sizes') };
    this.bytes = compileDistribution(spec.bytes);
    this.clientRate = compileDistribution(spec.clientPerSec);
    this.shards = Array.from({ length: spec.broker.shards }, () => new CpuQueue(1));
    this.down = new Uint8Array(spec.broker.shards);
    this.epoch = this.shards.map(() => 0);
    this.crashedAtMs = this.shards.map(() => []);
  }

  /**
   * A broker shard's process dies (every shard with `shard` undefined). Redis Pub/Sub is at-most-once
   * (https://redis.io/docs/latest/develop/pubsub/): what it has not written to a subscriber is gone, so
   * messages still in the shard's run queue are lost, and until it restarts a publish to it fails (the
   * publisher gets a connection error; the message gets no serial). The WebSocket servers stay up, so
   * client connections stay open and nobody reconnects because of it. Without `keepsHistory` the channel
   * history dies with the process: Centrifugo keeps history in the broker, its persistence "inherited from
   * Redis persistence configuration" (https://centrifugal.dev/docs/server/history_and_recovery); with AOF
   * or a replica (https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/) it survives.
   */
  crash(shard: number | undefined, keepsHistory: boolean): void {
    const now = this.world.sim.nowMs;
    let queued = 0;
    for (const k of this.shardsOf(shard)) {
      if (this.down[k] === 1) continue;
      const q = this.shards[k] as CpuQueue;
      queued += q.queued(now);
      q.reset(now);
      this.down[k] = 1;
      (this.crashedAtMs[k] as number[]).push(now);
      this.epoch[k] = (this.epoch[k] as number) + 1;
      if (!keepsHistory) for (let c = k; c < this.spec.channels; c += this.shards.length) (this.pubsub.histories[c] as ChannelHistory).clear(now);
    }
    this.world.record(runEvent.brokerCrash(now, shard ?? -1, queued));
  }

  /**
   * The shard is back: the servers' broker connections resubscribe (the sim's subscriptions live with the
   * servers, so nothing is lost there), and publishes succeed again. Its history is what the crash left.
   */
  restart(shard: number | undefined, keepsHistory: boolean): void {
    for (const k of this.shardsOf(shard)) this.down[k] = 0;
    this.world.record(runEvent.brokerRestart(this.world.sim.nowMs, shard ?? -1, keepsHistory ? 'kept' : 'lost'));
  }

  private shardsOf(shard: number | undefined): number[] {
    return shard === undefined ? this.shards.map((_, k) => k) : [shard];
  }

  start(): void {
    const sim = this.world.sim;
    if (this.spec.backendPerSec > 0) sim.after(this.gapMs(this.spec.backendPerSec), this.onBackendPublish);
    if (this.clientRate.mean > 0) sim.after(1000, this.onClientPublishTick);
  }

  /** Messages waiting in broker shards' run queues. */
  queued(nowMs: number): number {
    return this.shards.reduce((n, q) => n + q.queued(nowMs), 0);
  }

  private gapMs(ratePerSec: number): number {
    return (-1000 / ratePerSec) * log(1 - this.rng.publish.next());
  }

  private readonly onBackendPublish = (): void => {
    const sim = this.world.sim;
    this.publish(pickByCdf(this.pubsub.popularity, this.rng.publish), this.bytes.sample(this.rng.sizes), sim.nowMs);
    sim.after(this.gapMs(this.spec.backendPerSec), this.onBackendPublish);
  };

  /**
   * Client publishes: a Poisson stream at clientPerSec × connected clients, each from a uniformly random
   * connected client; with a rate per client, at the sum of the connected clients' rates, each from
   * client i with probability rate_i / sum. The rate follows the population at each publish and at
   * least once a second.
   */
  private readonly onClientPublishTick = (): void => {
    this.scheduleClientPublish();
  };

  private scheduleClientPublish(): void {
    const sim = this.world.sim;
    const n = this.pubsub.live.length;
    const now = sim.nowMs;
    const rates = this.pubsub.publishRates;
    const total = rates === null ? this.clientRate.mean * n : rates.total(n);
    this.nextClientPublishMs = total > 0 ? now + this.gapMs(total) : Infinity;
    if (this.nextClientPublishMs <= now + 1000) sim.at(this.nextClientPublishMs, this.onClientPublish, this.nextClientPublishMs);
    else sim.after(1000, this.onClientPublishTick);
  }

  private readonly onClientPublish = (): void => {
    const { live, subs, counters, publishRates } = this.pubsub;
    const n = live.length;
    if (n > 0) {
      const u = this.rng.publish.next();
      const i = live[publishRates === null ? Math.floor(u * n) : publishRates.pick(u, n)] as number;
      const channel = subs.channelOf(subs.slot(i, Math.floor(this.rng.publish.next() * subs.perClient)));
      const bytes = this.bytes.sample(this.rng.sizes);
      this.rooms.clientSide.clientSends(i, channel, bytes);
      counters.clientPublishes++;
      // A client's frames are masked: 4 more bytes.
      counters.dataBytes += frameBytes(bytes) + 4;
    }
    this.scheduleClientPublish();
  };

  /** A client's message reached its server's process: read it, then hand it to the broker. */
  fromClient(server: SimServer, p: number, channel: number, bytes: number, polling: boolean): void {
    const sim = this.world.sim;
    const now = sim.nowMs;
    // A long-polling client sends with an HTTP POST.
    const cost = (polling ? server.costs.pollRequest : server.costs.messageIn).sample(server.rng);
    this.pubsub.cpuMs += cost;
    const doneMs = (server.processes[p] as CpuQueue).submit(now, cost);
    const id = this.messages.add(channel, 0, bytes, now, 1);
    sim.at(doneMs + this.spec.broker.latencyMs, this.onReachBroker, id);
  }

  private readonly onReachBroker = (id: number): void => {
    const m = this.messages;
    this.publish(m.channel(id), m.bytes(id), m.publishedAtMs(id));
    m.release(id);
  };

  /** The broker shard takes a message: serial and history, then one copy to each target process. */
  publish(channel: number, bytes: number, publishedAtMs: number): void {
    const sim = this.world.sim;
    const now = sim.nowMs;
    const { broker } = this.spec;
    const k = channel % this.shards.length;
    if (this.down[k] === 1) {
      this.refused(channel);
      return;
    }
    const serial = (this.pubsub.histories[channel] as ChannelHistory).publish(now, bytes);
    this.pubsub.counters.published++;
    const targets = this.targets(channel);
    const shard = this.shards[k] as CpuQueue;
    const sentMs = shard.submit(now, broker.publishCostMs + broker.deliveryCostMs * targets.length);
    if (targets.length === 0) return;
    const id = this.messages.add(channel, serial, bytes, publishedAtMs, targets.length);
    this.sentEpoch[id] = this.epoch[k] as number;
    this.sentAtMs[id] = sentMs;
    for (const t of targets) sim.at(sentMs + broker.latencyMs, this.onReachServer, id * TARGET_SPACE + t);
    this.pubsub.counters.brokerDeliveries += targets.length;
  }

  /**
   * A publish to a down shard fails: the message gets no serial, so no subscriber sees a gap in its
   * serials and it is not in messages.lost; it is counted once (messages.lostAtBroker), and with the
   * subscriptions open on its channel then, the deliveries it would have made (.recipients).
   */
  private refused(channel: number): void {
    const counters = this.pubsub.counters;
    counters.lostAtBroker++;
    for (const server of this.world.servers) {
      for (let p = 0; p < server.spec.processes; p++) counters.lostAtBrokerRecipients += this.pubsub.subs.count(server.id * MAX_PROCESSES + p, channel);
    }
  }

  /** Whether message `id` was still in its shard's run queue when the shard crashed. */
  private diedInQueue(id: number): boolean {
    const k = this.messages.channel(id) % this.shards.length;
    const e = this.sentEpoch[id] as number;
    return e !== this.epoch[k] && ((this.crashedAtMs[k] as number[])[e] as number) < (this.sentAtMs[id] as number);
  }

  /** Server processes a message goes to: every process of every running server, or those with subscribers. */
  private targets(channel: number): number[] {
    const out: number[] = [];
    const every = this.spec.broker.targets === 'every-server';
    for (const server of this.world.servers) {
      if (!server.up) continue;
      for (let p = 0; p < server.spec.processes; p++) {
        const target = server.id * MAX_PROCESSES + p;
        if (every || this.pubsub.subs.count(target, channel) > 0) out.push(target * 2 + (server.incarnation & 1));
      }
    }
    return out;
  }

  private readonly onReachServer = (arg: number): void => {
    const { sim, servers } = this.world;
    const pubsub = this.pubsub;
    const id = Math.floor(arg / TARGET_SPACE);
    const packed = arg % TARGET_SPACE;
    const target = Math.floor(packed / 2);
    const server = servers[Math.floor(target / MAX_PROCESSES)] as SimServer;
    const p = target % MAX_PROCESSES;
    const m = this.messages;
    const channel = m.channel(id);
    // A server that died since the broker sent it never reads it; nor does anyone a message that died in the broker's queue.
    if (server.up && (server.incarnation & 1) === packed % 2 && !this.diedInQueue(id)) {
      const n = pubsub.subs.count(target, channel);
      if (n === 0) pubsub.counters.uselessReads++;
      const cpu = server.processes[p] as CpuQueue;
      const read = pubsub.readCost(server);
      if (this.spec.fanout !== 'per-recipient') {
        const out = pubsub.outCost(server);
        pubsub.cpuMs += read + n * out;
        const doneMs = cpu.submit(sim.nowMs, read + n * out);
        m.retain(id);
        sim.at(doneMs, this.onFanout, arg);
        this.fanoutCost.set(arg, out);
      } else {
        pubsub.cpuMs += read;
        cpu.submit(sim.nowMs, read);
        for (const slot of pubsub.subs.list(target, channel)) {
          const i = pubsub.subs.clientOf(slot);
          const out = pubsub.outCost(server);
          pubsub.cpuMs += out;
          const doneMs = cpu.submit(sim.nowMs, out);
          m.retain(id);
          sim.at(doneMs, this.onWriteOne, id * 2 ** 24 + i);
        }
      }
    }
    m.release(id);
  };

  /** The batch is done: recipient k of n (newest first) was written at now − (n − 1 − k) × out. */
  private readonly onFanout = (arg: number): void => {
    const id = Math.floor(arg / TARGET_SPACE);
    const target = Math.floor((arg % TARGET_SPACE) / 2);
    const out = this.fanoutCost.get(arg) as number;
    this.fanoutCost.delete(arg);
    const m = this.messages;
    const server = this.world.servers[Math.floor(target / MAX_PROCESSES)] as SimServer;
    if (server.up) {
      const fixedOut = server.costs.messageOut.spec.kind === 'constant';
      this.pubsub.cohorts.deliver(server.id, target, m.channel(id), m.serial(id), m.bytes(id), m.publishedAtMs(id), out, fixedOut);
      this.rooms.operations.afterWrites(server);
    }
    m.release(id);
  };

  /** Per-recipient reference mode: one write per event. */
  private readonly onWriteOne = (arg: number): void => {
    const { sim, clients } = this.world;
    const id = Math.floor(arg / 2 ** 24);
    const i = arg % 2 ** 24;
    const m = this.messages;
    if (this.pubsub.isOpen(i)) {
      const done = this.pubsub.write(i, m.channel(id), m.serial(id), m.bytes(id), m.publishedAtMs(id), sim.nowMs, false, this.world.isPolling(i));
      if (Number.isFinite(done)) sim.at(done, this.onSettleOne, packConn(i, clients.c.epoch[i] as number));
      this.rooms.operations.afterWrites(this.world.serverOf(i));
    }
    m.release(id);
  };

  private readonly onSettleOne = (arg: number): void => {
    const i = this.world.current(arg);
    if (i >= 0 && this.pubsub.isOpen(i)) this.pubsub.settle(i, this.world.sim.nowMs);
  };
}
