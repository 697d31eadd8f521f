import { compileDistribution, type Distribution, type Rng, type RngStreams } from '../engine/index.js';
import {
  backpressures,
  ChannelHistory,
  ChannelReceiver,
  fresh,
  instantiate,
  resumes,
  type Backpressure,
  type OutgoingMessage,
  type Resume,
} from '../strategies/index.js';
import { LogHistogram } from '../metrics/index.js';
import type { MessagesSpec } from './config.js';
import { CpuQueue } from './cpu.js';
import { SendQueues } from './send-queues.js';
import { Subscriptions } from './subscriptions.js';
import { MessageTable } from './message-table.js';
import type { Fleet } from './fleet.js';
import type { SimServer } from './server.js';
import { packConn } from './clients.js';

/** Server × process targets of one broker message, packed into an event argument with the message id. */
const TARGET_SPACE = 2 ** 26;
const MAX_PROCESSES = 256;

/** What happened to the messages, over the run. */
export class MessageCounters {
  published = 0;
  /** Messages the broker sent to a server process (one per target). */
  brokerDeliveries = 0;
  /** Messages a server read from the broker with no local subscriber for them (every-server reads). */
  uselessReads = 0;
  /** Messages offered to a connection's backpressure policy (live and replayed). */
  offered = 0;
  replayed = 0;
  /** Messages the backpressure policy dropped (newest, oldest or conflated away). */
  policyDrops = 0;
  conflated = 0;
  /** Slow consumers the policy disconnected. */
  policyDisconnects = 0;
  /** Queued messages discarded when their connection closed (resume may bring them back). */
  discardedOnClose = 0;
  /** Drops a later resume replaced by its own decision (replayed, or counted in its gap). */
  dropsSuperseded = 0;
  /** Skips at receivers explained by policy drops. */
  droppedFinal = 0;
  /** Resume outcomes. */
  resumes = 0;
  resumeGaps = 0;
  clientPublishes = 0;
  /** Wire bytes of data frames: written to clients (after delta encoding) and sent by clients (masked). */
  dataBytes = 0;
  /** Distinct serials handed to client applications (duplicates excluded). */
  delivered = 0;
  /** At departure or at the end: serials published since the client's last one that it never got. */
  inFlight = 0;
  /** Drops still pending at departure or at the end (nothing later was received on that channel). */
  droppedPending = 0;
  /** Missed by clients disconnected at the end that resume would not recover, or that gave up. */
  lostAtEnd = 0;
}

/**
 * Channels, subscriptions, the broker and every connection's send queue.
 *
 * A publish reaches its broker shard (serial and history there), then every target server process
 * (all of them, as Socket.IO's Redis adapter does, or only those with subscribers), where one CPU
 * job reads it and writes it to each local subscriber: per-server batching. Each write goes through
 * the connection's backpressure policy; the queue drains at the client's bandwidth and consumption
 * rate; a ChannelReceiver per subscription dedups by serial and counts what was lost. On every
 * (re)connect the resume strategy decides what to replay from the broker's history.
 */
export class PubSub {
  readonly counters = new MessageCounters();
  /** Live publish-to-delivery latency over the run, up to the last sample (see `flushInterval`). */
  readonly latency = new LogHistogram();
  readonly replayLatency = new LogHistogram();
  /** Live latencies of the current sampling interval; added to `latency` at each sample. */
  readonly intervalLatency = new LogHistogram();
  readonly queues: SendQueues;
  readonly subs: Subscriptions;
  readonly shards: CpuQueue[];
  readonly histories: ChannelHistory[];
  readonly receivers: (ChannelReceiver | undefined)[] = [];
  /** CPU spent on messages (in, read, out) over all servers. */
  cpuMs = 0;
  private readonly policies: (Backpressure | undefined)[] = [];
  private readonly resume: Resume;
  private readonly popularity: Float64Array;
  private readonly bytes: Distribution;
  private readonly consume: Distribution;
  private readonly downlink: Distribution;
  private readonly messages = new MessageTable();
  private readonly rng: { publish: Rng; channels: Rng; sizes: Rng; clients: Rng; policy: Rng };
  private readonly keys: string[];
  private readonly outgoing: { bytes: number; key: string | null } = { bytes: 0, key: null };
  /** Connected clients, dense, for picking a random publisher. */
  private readonly live: number[] = [];
  private livePos = new Int32Array(1024).fill(-1);
  private readonly disconnectedAtMs: number[] = [];
  private readonly fleet: Fleet;

  constructor(
    fleet: Fleet,
    readonly spec: MessagesSpec,
    streams: RngStreams,
    downlinkBytesPerSec: Distribution,
    consumePerSec: Distribution,
    private readonly pathBufferBytes: number,
  ) {
    this.fleet = fleet;
    this.rng = {
      publish: streams.stream('publish'),
      channels: streams.stream('channels'),
      sizes: streams.stream('sizes'),
      clients: streams.stream('clients'),
      policy: streams.stream('policy'),
    };
    this.bytes = compileDistribution(spec.bytes);
    this.downlink = downlinkBytesPerSec;
    this.consume = consumePerSec;
    this.queues = new SendQueues();
    this.subs = new Subscriptions(spec.subscriptionsPerClient, spec.channels);
    this.shards = Array.from({ length: spec.broker.shards }, () => new CpuQueue(1));
    this.histories = Array.from({ length: spec.channels }, () => new ChannelHistory(spec.history));
    this.resume = instantiate(resumes, spec.resume, 'messages.resume');
    this.popularity = zipfCdf(spec.channels, spec.popularityExponent);
    this.keys = Array.from({ length: spec.channels }, (_, c) => String(c));
  }

  start(): void {
    if (this.spec.backendPerSec > 0) this.fleet.sim.after(this.gapMs(this.spec.backendPerSec), this.onBackendPublish);
    if (this.spec.clientPerSec > 0) this.fleet.sim.after(1000, this.onClientPublishTick);
  }

  // ---- clients ----

  /** A new client: its channels by popularity, its bandwidth and its consumption rate. */
  addClient(i: number): void {
    // Distinct channels by popularity: redraw a channel the client already has, then take the first free one.
    for (let k = 0; k < this.subs.perClient; k++) {
      let channel = this.pickChannel(this.rng.channels);
      for (let tries = 0; this.subs.slotOf(i, channel, k) >= 0 && tries < 64; tries++) channel = this.pickChannel(this.rng.channels);
      for (channel = this.subs.slotOf(i, channel, k) >= 0 ? 0 : channel; this.subs.slotOf(i, channel, k) >= 0; ) channel++;
      this.subs.setChannel(i, k, channel);
    }
    this.queues.setRates(i, 1000 / this.downlink.sample(this.rng.clients), 1000 / this.consume.sample(this.rng.clients));
    this.disconnectedAtMs[i] = NaN;
    if (i >= this.livePos.length) {
      const grown = new Int32Array(this.livePos.length * 2).fill(-1);
      grown.set(this.livePos);
      this.livePos = grown;
    }
  }

  /** The connection's handshake finished on server `s`, process `p`: subscribe, resuming where the client left off. */
  open(i: number, server: SimServer, p: number, oneWayMs: number, hold: boolean): void {
    const now = this.fleet.sim.nowMs;
    this.queues.open(i, now, oneWayMs, this.pathBufferBytes);
    this.policies[i] = instantiate(backpressures, this.spec.backpressure, 'messages.backpressure');
    this.livePos[i] = this.live.length;
    this.live.push(i);
    const cpu = server.processes[p] as CpuQueue;
    for (let k = 0; k < this.subs.perClient; k++) {
      const slot = this.subs.slot(i, k);
      const channel = this.subs.channelOf(slot);
      this.subs.subscribe(slot, server.id * MAX_PROCESSES + p);
      const history = this.histories[channel] as ChannelHistory;
      const receiver = (this.receivers[slot] ??= new ChannelReceiver());
      if (receiver.lastSerial === null) {
        receiver.resume(fresh(null, history));
        this.subs.c.startSerial[slot] = receiver.startSerial;
        continue;
      }
      const decision = this.resume.onReconnect(receiver.lastSerial, history, now, this.disconnectedAtMs[i] as number);
      receiver.resume(decision);
      this.counters.resumes++;
      if (decision.lost > 0) this.counters.resumeGaps++;
      this.counters.dropsSuperseded += this.subs.c.dropsPending[slot] as number;
      this.subs.c.dropsPending[slot] = 0;
      if (decision.count === 0) continue;
      // The server reads the backlog from the broker's history, then writes it like live messages.
      const cost = this.readCost(server) + decision.count * this.outCost(server);
      const writeMs = cpu.submit(now, cost) + 2 * this.spec.broker.latencyMs;
      this.cpuMs += cost;
      for (let s = decision.fromSerial; s < decision.fromSerial + decision.count; s++) {
        this.counters.replayed++;
        const publishedAtMs = history.publishedAtMs(s, now) ?? now;
        this.write(i, channel, s, history.bytesOf(s, now) ?? this.bytes.mean, publishedAtMs, writeMs, true, hold);
      }
    }
    this.fleet.afterWrites(server);
  }

  /** The connection is gone (any reason): what the client consumed by now counts, the rest is discarded. */
  close(i: number): void {
    const now = this.fleet.sim.nowMs;
    this.settle(i, now);
    const before = this.queues.queuedBytes(i);
    this.queues.discard(i, this.onDiscarded);
    this.track(i, before);
    for (let k = 0; k < this.subs.perClient; k++) this.subs.unsubscribe(this.subs.slot(i, k));
    this.disconnectedAtMs[i] = now;
    this.policies[i] = undefined;
    const pos = this.livePos[i] as number;
    if (pos >= 0) {
      const last = this.live.pop() as number;
      if (last !== i) {
        this.live[pos] = last;
        this.livePos[last] = pos;
      }
      this.livePos[i] = -1;
    }
  }

  /**
   * Closes the books on a client when it leaves or the run ends. Connected (or leaving): what it has not
   * got is in flight, or dropped when the policy dropped it. Disconnected: what its resume strategy would
   * recover on reconnecting now is in flight, the rest lost. Given up: everything it missed is lost.
   */
  finish(i: number, state: 'connected' | 'disconnected' | 'gave-up'): void {
    const now = this.fleet.sim.nowMs;
    for (let k = 0; k < this.subs.perClient; k++) {
      const slot = this.subs.slot(i, k);
      const receiver = this.receivers[slot];
      if (receiver?.lastSerial == null || this.subs.c.finished[slot] === 1) continue;
      this.subs.c.finished[slot] = 1;
      const history = this.histories[this.subs.channelOf(slot)] as ChannelHistory;
      const missed = history.latestSerial - receiver.lastSerial;
      const pending = this.subs.c.dropsPending[slot] as number;
      this.subs.c.endSerial[slot] = history.latestSerial;
      if (state === 'connected') {
        this.counters.droppedPending += pending;
        this.counters.inFlight += missed - pending;
        continue;
      }
      this.counters.dropsSuperseded += pending;
      const lost = state === 'gave-up' ? missed : this.resume.onReconnect(receiver.lastSerial, history, now, this.disconnectedAtMs[i] as number).lost;
      this.counters.lostAtEnd += lost;
      this.subs.c.lostAtEnd[slot] = lost;
      this.counters.inFlight += missed - lost;
    }
  }

  /** A long-poll answer at `nowMs` carries every held message of connection i; returns how many. */
  release(i: number, nowMs: number): number {
    return this.queues.release(i, nowMs);
  }

  /** Pops what connection i's client has consumed by `nowMs`. */
  settle(i: number, nowMs: number): void {
    const policy = this.policies[i];
    const before = this.queues.queuedBytes(i);
    this.queues.settle(i, nowMs, policy?.softLimitBytes ?? Infinity, this.onDelivered);
    this.track(i, before);
  }

  /** Keeps the server's send-buffer total in step with connection i's queue. */
  private track(i: number, before: number): void {
    const s = this.fleet.clients.c.server[i] as number;
    const server = this.fleet.servers[s];
    // A dead server's buffers are already gone.
    if (server?.up === true) server.sendBufferBytes += this.queues.queuedBytes(i) - before;
  }

  /** Settles every open connection (before sampling send buffers). */
  settleAll(): void {
    for (const server of this.fleet.servers) if (server.up) this.settleServer(server);
  }

  /** Closes a sampling interval: its latencies join the run's. */
  flushInterval(): void {
    this.latency.add(this.intervalLatency);
    this.intervalLatency.reset();
  }

  /** Messages waiting in broker shards' run queues. */
  brokerQueued(nowMs: number): number {
    return this.shards.reduce((n, q) => n + q.queued(nowMs), 0);
  }

  /** Settles every open connection of a server (before reading its buffered bytes). */
  settleServer(server: SimServer): void {
    const now = this.fleet.sim.nowMs;
    for (const i of server.heldClients(this.fleet.clients)) this.settle(i, now);
  }

  // ---- publishing ----

  private gapMs(ratePerSec: number): number {
    return (-1000 / ratePerSec) * Math.log(1 - this.rng.publish.next());
  }

  private pickChannel(rng: Rng): number {
    const u = rng.next();
    let lo = 0;
    let hi = this.popularity.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.popularity[mid] as number) > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private readonly onBackendPublish = (): void => {
    const sim = this.fleet.sim;
    this.brokerPublish(this.pickChannel(this.rng.publish), this.bytes.sample(this.rng.sizes), sim.nowMs);
    sim.after(this.gapMs(this.spec.backendPerSec), this.onBackendPublish);
  };

  /**
   * Client publishes: a Poisson stream at clientPerSec × connected clients, each from a uniformly random
   * connected client. The rate follows the population at each publish and at least once a second.
   */
  private readonly onClientPublishTick = (): void => {
    this.scheduleClientPublish();
  };

  private nextClientPublishMs = Infinity;

  private scheduleClientPublish(): void {
    const n = this.live.length;
    const now = this.fleet.sim.nowMs;
    this.nextClientPublishMs = n > 0 ? now + this.gapMs(this.spec.clientPerSec * n) : Infinity;
    if (this.nextClientPublishMs <= now + 1000) this.fleet.sim.at(this.nextClientPublishMs, this.onClientPublish, this.nextClientPublishMs);
    else this.fleet.sim.after(1000, this.onClientPublishTick);
  }

  private readonly onClientPublish = (): void => {
    const n = this.live.length;
    if (n > 0) {
      const i = this.live[Math.floor(this.rng.publish.next() * n)] as number;
      const channel = this.subs.channelOf(this.subs.slot(i, Math.floor(this.rng.publish.next() * this.subs.perClient)));
      const bytes = this.bytes.sample(this.rng.sizes);
      this.fleet.clientSends(i, channel, bytes);
      this.counters.clientPublishes++;
      // A client's frames are masked: 4 more bytes.
      this.counters.dataBytes += frameBytes(bytes) + 4;
    }
    this.scheduleClientPublish();
  };

  /** A client's message reached its server's process: read it, then hand it to the broker. */
  fromClient(server: SimServer, p: number, channel: number, bytes: number, polling: boolean): void {
    const now = this.fleet.sim.nowMs;
    // A long-polling client sends with an HTTP POST.
    const cost = (polling ? server.costs.pollRequest : server.costs.messageIn).sample(server.rng);
    this.cpuMs += cost;
    const doneMs = (server.processes[p] as CpuQueue).submit(now, cost);
    const id = this.messages.add(channel, 0, bytes, now, 1);
    this.fleet.sim.at(doneMs + this.spec.broker.latencyMs, this.onReachBroker, id);
  }

  private readonly onReachBroker = (id: number): void => {
    const m = this.messages;
    this.brokerPublish(m.channel(id), m.bytes(id), m.publishedAtMs(id));
    m.release(id);
  };

  /** The broker shard takes a message: serial and history, then one copy to each target process. */
  brokerPublish(channel: number, bytes: number, publishedAtMs: number): void {
    const sim = this.fleet.sim;
    const now = sim.nowMs;
    const { broker } = this.spec;
    const serial = (this.histories[channel] as ChannelHistory).publish(now, bytes);
    this.counters.published++;
    const targets = this.targets(channel);
    const shard = this.shards[channel % this.shards.length] as CpuQueue;
    const sentMs = shard.submit(now, broker.publishCostMs + broker.deliveryCostMs * targets.length);
    if (targets.length === 0) return;
    const id = this.messages.add(channel, serial, bytes, publishedAtMs, targets.length);
    for (const t of targets) sim.at(sentMs + broker.latencyMs, this.onReachServer, id * TARGET_SPACE + t);
    this.counters.brokerDeliveries += targets.length;
  }

  /** Server processes a message goes to: every process of every running server, or those with subscribers. */
  private targets(channel: number): number[] {
    const out: number[] = [];
    const every = this.spec.broker.targets === 'every-server';
    for (const server of this.fleet.servers) {
      if (!server.up) continue;
      for (let p = 0; p < server.spec.processes; p++) {
        const target = server.id * MAX_PROCESSES + p;
        if (every || this.subs.count(target, channel) > 0) out.push(target * 2 + (server.incarnation & 1));
      }
    }
    return out;
  }

  private readonly onReachServer = (arg: number): void => {
    const id = Math.floor(arg / TARGET_SPACE);
    const packed = arg % TARGET_SPACE;
    const target = Math.floor(packed / 2);
    const server = this.fleet.servers[Math.floor(target / MAX_PROCESSES)] as SimServer;
    const p = target % MAX_PROCESSES;
    const m = this.messages;
    const channel = m.channel(id);
    // A server that died since the broker sent it never reads it.
    if (server.up && (server.incarnation & 1) === packed % 2) {
      const n = this.subs.count(target, channel);
      if (n === 0) this.counters.uselessReads++;
      const cpu = server.processes[p] as CpuQueue;
      const read = this.readCost(server);
      if (this.spec.fanout === 'batched') {
        const out = this.outCost(server);
        this.cpuMs += read + n * out;
        const doneMs = cpu.submit(this.fleet.sim.nowMs, read + n * out);
        m.retain(id);
        this.fleet.sim.at(doneMs, this.onFanout, arg);
        this.fanoutCost.set(arg, out);
      } else {
        this.cpuMs += read;
        cpu.submit(this.fleet.sim.nowMs, read);
        for (const slot of this.subs.list(target, channel)) {
          const i = this.subs.clientOf(slot);
          const out = this.outCost(server);
          this.cpuMs += out;
          const doneMs = cpu.submit(this.fleet.sim.nowMs, out);
          m.retain(id);
          this.fleet.sim.at(doneMs, this.onWriteOne, id * 2 ** 24 + i);
        }
      }
    }
    m.release(id);
  };

  /** Per-recipient cost of each batch, by event argument, until its fan-out runs. */
  private readonly fanoutCost = new Map<number, number>();

  /** The batch is done: recipient k of n was written (k + 1) × out before... now − (n − 1 − k) × out. */
  private readonly onFanout = (arg: number): void => {
    const id = Math.floor(arg / TARGET_SPACE);
    const target = Math.floor((arg % TARGET_SPACE) / 2);
    const out = this.fanoutCost.get(arg) as number;
    this.fanoutCost.delete(arg);
    const m = this.messages;
    const server = this.fleet.servers[Math.floor(target / MAX_PROCESSES)] as SimServer;
    if (server.up) {
      const now = this.fleet.sim.nowMs;
      const channel = m.channel(id);
      const serial = m.serial(id);
      const bytes = m.bytes(id);
      const publishedAtMs = m.publishedAtMs(id);
      const polling = this.fleet.clients.c.polling;
      const slots = this.subs.list(target, channel);
      const last = slots.length - 1;
      for (let k = 0; k < slots.length; k++) {
        const i = this.subs.clientOf(slots[k] as number);
        this.write(i, channel, serial, bytes, publishedAtMs, now - (last - k) * out, false, polling[i] === 1);
      }
      this.fleet.afterWrites(server);
    }
    m.release(id);
  };

  /** Per-recipient reference mode: one write per event. */
  private readonly onWriteOne = (arg: number): void => {
    const id = Math.floor(arg / 2 ** 24);
    const i = arg % 2 ** 24;
    const m = this.messages;
    if (this.policies[i] !== undefined) {
      const done = this.write(i, m.channel(id), m.serial(id), m.bytes(id), m.publishedAtMs(id), this.fleet.sim.nowMs, false, this.fleet.isPolling(i));
      if (Number.isFinite(done)) this.fleet.sim.at(done, this.onSettleOne, packConn(i, this.fleet.clients.c.epoch[i] as number));
      this.fleet.afterWrites(this.fleet.servers[this.fleet.clients.c.server[i] as number] as SimServer);
    }
    m.release(id);
  };

  private readonly onSettleOne = (arg: number): void => {
    const i = this.fleet.current(arg);
    if (i >= 0 && this.policies[i] !== undefined) this.settle(i, this.fleet.sim.nowMs);
  };

  /**
   * Writes one message to connection i at `writeMs` through its backpressure policy; returns when the
   * client will have consumed it (NaN when not queued).
   */
  write(i: number, channel: number, serial: number, bytes: number, publishedAtMs: number, writeMs: number, replayed: boolean, hold: boolean): number {
    const policy = this.policies[i];
    if (policy === undefined) return NaN;
    const q = this.queues;
    const before = q.queuedBytes(i);
    if (q.pending(i)) q.settle(i, this.fleet.sim.nowMs, policy.softLimitBytes, this.onDelivered);
    this.fleet.noteData(i, writeMs);
    const msg = this.outgoing;
    msg.bytes = bytes;
    msg.key = this.keys[channel] as string;
    const decision = policy.onSend(msg as OutgoingMessage, q.view(i), writeMs, this.rng.policy);
    let done = NaN;
    switch (decision.kind) {
      case 'enqueue':
        this.counters.dataBytes += frameBytes(decision.bytes);
        done = q.push(i, channel, serial, decision.bytes, publishedAtMs, writeMs, replayed, hold);
        break;
      case 'drop-newest':
        this.dropped(i, channel);
        break;
      case 'drop-oldest':
        this.counters.dataBytes += frameBytes(bytes);
        q.dropOldest(i, decision.count, writeMs, this.onPolicyDrop);
        done = q.push(i, channel, serial, bytes, publishedAtMs, writeMs, replayed, hold);
        break;
      case 'conflate':
        this.counters.dataBytes += frameBytes(bytes);
        if (!q.replace(i, channel, serial, bytes, publishedAtMs, writeMs, this.onConflated)) {
          done = q.push(i, channel, serial, bytes, publishedAtMs, writeMs, replayed, hold);
        }
        break;
      case 'disconnect':
        this.counters.policyDisconnects++;
        this.counters.offered++;
        this.track(i, before);
        this.fleet.closeSlowConsumer(i);
        return NaN;
    }
    this.counters.offered++;
    q.markSlow(i, writeMs, policy.softLimitBytes);
    if (q.queuedBytes(i) !== before) this.track(i, before);
    if (hold) this.fleet.polling?.onData(i);
    return done;
  }

  private dropped(i: number, channel: number): void {
    this.counters.policyDrops++;
    const slot = this.subs.slotOf(i, channel);
    if (slot >= 0) this.subs.c.dropsPending[slot] = (this.subs.c.dropsPending[slot] as number) + 1;
  }

  private readonly onPolicyDrop = (i: number, channel: number): void => {
    this.dropped(i, channel);
  };

  private readonly onConflated = (i: number, channel: number): void => {
    this.counters.conflated++;
    this.dropped(i, channel);
  };

  private readonly onDiscarded = (): void => {
    this.counters.discardedOnClose++;
  };

  private readonly onDelivered = (i: number, channel: number, serial: number, publishedAtMs: number, doneAtMs: number, replayed: boolean): void => {
    const slot = this.subs.slotOf(i, channel);
    const receiver = this.receivers[slot];
    if (receiver === undefined) return;
    const before = receiver.lastSerial ?? 0;
    const how = receiver.receive(serial);
    if (how === 'duplicate') return;
    this.counters.delivered++;
    if (how === 'out-of-order') {
      // Within one connection a hole can only come from the policy's drops.
      const skipped = serial - before - 1;
      const pending = this.subs.c.dropsPending[slot] as number;
      const explained = Math.min(skipped, pending);
      this.subs.c.dropsPending[slot] = pending - explained;
      this.counters.droppedFinal += explained;
      this.subs.c.droppedFinal[slot] = (this.subs.c.droppedFinal[slot] as number) + explained;
    }
    if (replayed) this.replayLatency.record(doneAtMs - publishedAtMs);
    else this.intervalLatency.record(doneAtMs - publishedAtMs);
  };

  // ---- costs and bookkeeping ----

  private readCost(server: SimServer): number {
    return server.costs.messageRead.sample(server.rng);
  }

  private outCost(server: SimServer): number {
    return server.costs.messageOut.sample(server.rng);
  }

  /** Receiver totals over every subscription, and the share of subscribed clients that lost anything. */
  totals(): { delivered: number; duplicates: number; outOfOrder: number; lost: number; clientsWithLoss: number; subscribers: number; maxLostPerClient: number } {
    let delivered = 0;
    let duplicates = 0;
    let outOfOrder = 0;
    let lost = 0;
    let clientsWithLoss = 0;
    let subscribers = 0;
    let maxLostPerClient = 0;
    const per = this.subs.perClient;
    for (let i = 0; i * per < this.receivers.length; i++) {
      let clientLost = 0;
      let any = false;
      for (let k = 0; k < per; k++) {
        const r = this.receivers[i * per + k];
        if (r === undefined) continue;
        any = true;
        const c = r.counts;
        delivered += c.delivered;
        duplicates += c.duplicates;
        outOfOrder += c.outOfOrder;
        lost += c.lost;
        const slot = i * per + k;
        clientLost += c.lost - (this.subs.c.droppedFinal[slot] as number) + (this.subs.c.lostAtEnd[slot] as number);
      }
      if (any) subscribers++;
      if (clientLost > 0) clientsWithLoss++;
      if (clientLost > maxLostPerClient) maxLostPerClient = clientLost;
    }
    // Receivers count every skipped serial as lost; those the policy dropped are reported as dropped.
    return { delivered, duplicates, outOfOrder, lost: lost - this.counters.droppedFinal + this.counters.lostAtEnd, clientsWithLoss, subscribers, maxLostPerClient };
  }
}

/** Cumulative Zipf probabilities over n channels with exponent s (0: uniform). */
export function zipfCdf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) sum += 1 / (k + 1) ** s;
  let acc = 0;
  for (let k = 0; k < n; k++) {
    acc += 1 / (k + 1) ** s / sum;
    cdf[k] = acc;
  }
  cdf[n - 1] = 1;
  return cdf;
}

/** A WebSocket frame's size on the wire from the server: 2, 4 or 10 bytes of header, then the payload. */
export function frameBytes(payload: number): number {
  return payload + (payload < 126 ? 2 : payload < 65_536 ? 4 : 10);
}
