import { compileDistribution, type Distribution, type Rng, type RngStreams } from '../engine/index.js';
import {
  backpressures,
  ChannelHistory,
  ChannelReceiver,
  fresh,
  factory,
  instantiate,
  pickDistinct,
  resumes,
  zipfCdf,
  type Backpressure,
  type OutgoingMessage,
  type Resume,
} from '../strategies/index.js';
import { LogHistogram } from '../metrics/index.js';
import type { MessagesSpec } from './config.js';
import type { CpuQueue } from './cpu.js';
import { Cohorts } from './cohorts.js';
import { packConn } from './clients.js';
import { SendQueues } from './send-queues.js';
import { Subscriptions } from './subscriptions.js';
import { PublishRates } from './publish-rates.js';
import { frameBytes, MAX_PROCESSES, MessageCounters } from './message-stats.js';
import type { PubSubPort, Rooms } from './ports.js';
import type { World } from './world.js';
import type { SimServer } from './server.js';

/**
 * Channels, subscriptions, per-channel history and every connection's send queue: the delivery
 * side of pub/sub, as real mode's server writes to its sockets (the broker room publishes).
 *
 * Each write goes through the connection's backpressure policy; the queue drains at the client's
 * bandwidth and consumption rate; a ChannelReceiver per subscription dedups by serial and counts
 * what was lost. On every (re)connect the resume strategy decides what to replay from the history.
 */
export class PubSub implements PubSubPort {
  readonly counters = new MessageCounters();
  /** Live publish-to-delivery latency over the run, up to the last sample (see `flushInterval`). */
  readonly latency = new LogHistogram();
  readonly replayLatency = new LogHistogram();
  /** Live latencies of the current sampling interval; added to `latency` at each sample. */
  readonly intervalLatency = new LogHistogram();
  readonly queues: SendQueues;
  readonly subs: Subscriptions;
  readonly histories: ChannelHistory[];
  readonly receivers: (ChannelReceiver | undefined)[] = [];
  /** CPU spent on messages (in, read, out) over all servers. */
  cpuMs = 0;
  private readonly policies: (Backpressure | undefined)[] = [];
  /** A policy instance no connection uses, asked what it does with a message on an empty queue. */
  private readonly probe: Backpressure;
  /** A fresh backpressure policy for each connection, its options checked once. */
  private readonly newPolicy: () => Backpressure;
  /** The batched fan-out, with cohorts of subscribers that keep up unless `fanout: batched`. */
  readonly cohorts: Cohorts;
  private readonly resume: Resume;
  /** Cumulative channel popularity (Zipf). */
  readonly popularity: Float64Array;
  private readonly bytes: Distribution;
  readonly fixedBytes: boolean;
  private readonly consume: Distribution;
  private readonly downlink: Distribution;
  private readonly rng: { channels: Rng; clients: Rng; policy: Rng };
  private readonly keys: string[];
  private readonly outgoing: { bytes: number; key: string | null } = { bytes: 0, key: null };
  /** Connected clients, dense, for picking a random publisher. */
  readonly live: number[] = [];
  private livePos = new Int32Array(1024).fill(-1);
  /** Each client's own publish rate, when `clientPerSec` is a distribution; null when every client has the same. */
  readonly publishRates: PublishRates | null;
  private readonly disconnectedAtMs: number[] = [];
  constructor(
    private readonly world: World,
    private readonly rooms: Rooms,
    readonly spec: MessagesSpec,
    streams: RngStreams,
    downlinkBytesPerSec: Distribution,
    consumePerSec: Distribution,
    private readonly pathBufferBytes: number,
  ) {
    this.rng = { channels: streams.stream('channels'), clients: streams.stream('clients'), policy: streams.stream('policy') };
    this.bytes = compileDistribution(spec.bytes);
    this.fixedBytes = spec.bytes.kind === 'constant';
    this.downlink = downlinkBytesPerSec;
    this.consume = consumePerSec;
    // Client machines that pay for each frame they read (clients.cpu.messageCostMs) read in the order
    // frames are written; such subscribers are written one by one, never as cohorts.
    const receiveCosts = rooms.clientSide.readsCost;
    this.queues = new SendQueues(receiveCosts ? (i, arrivalMs) => rooms.clientSide.readFrame(i, arrivalMs) : null);
    this.subs = new Subscriptions(spec.subscriptionsPerClient, spec.channels);
    this.histories = Array.from({ length: spec.channels }, () => new ChannelHistory(spec.history));
    this.resume = instantiate(resumes, spec.resume, 'messages.resume');
    this.popularity = zipfCdf(spec.channels, spec.popularityExponent);
    this.keys = Array.from({ length: spec.channels }, (_, c) => String(c));
    this.newPolicy = factory(backpressures, spec.backpressure, 'messages.backpressure');
    this.probe = this.newPolicy();
    this.cohorts = new Cohorts(world, rooms, this, spec.fanout === 'cohort' && !receiveCosts);
    this.publishRates = spec.clientPerSec.kind === 'constant' ? null : new PublishRates(spec.clientPerSec, streams.stream('publish-rates'));
  }

  passesWhenEmpty(bytes: number): boolean {
    return this.probe.passesWhenEmpty?.(bytes) ?? false;
  }

  /** Brings client i's last data time up to date (its cohorts write none per message). */
  syncActivity(i: number): void {
    this.cohorts.syncActivity(i);
  }

  // ---- clients ----

  /** A new client: its channels by popularity, its bandwidth and its consumption rate. */
  addClient(i: number): void {
    pickDistinct(this.popularity, this.subs.perClient, this.rng.channels).forEach((channel, k) => {
      this.subs.setChannel(i, k, channel);
    });
    this.queues.setRates(i, 1000 / this.downlink.sample(this.rng.clients), 1000 / this.consume.sample(this.rng.clients));
    this.publishRates?.addClient(i);
    this.disconnectedAtMs[i] = NaN;
    if (i >= this.livePos.length) {
      const grown = new Int32Array(this.livePos.length * 2).fill(-1);
      grown.set(this.livePos);
      this.livePos = grown;
    }
  }

  /** The connection's handshake finished on server `s`, process `p`: subscribe, resuming where the client left off. */
  open(i: number, server: SimServer, p: number, oneWayMs: number, hold: boolean): void {
    const now = this.world.sim.nowMs;
    this.queues.open(i, now, oneWayMs, this.pathBufferBytes);
    // A handshake that finished after its client was cut off: nothing written reaches it before the heal.
    const cutUntilMs = this.world.clients.c.partitionedUntilMs[i] as number;
    if (cutUntilMs > now) this.queues.cut(i, now, cutUntilMs);
    // A policy with no per-connection state serves every connection; one that keeps some gets its own.
    this.policies[i] = this.probe.shareable === true ? this.probe : this.newPolicy();
    this.livePos[i] = this.live.length;
    this.publishRates?.place(this.live.length, i);
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
      if (this.resume.ordering === 'none') {
        // Subscribed live from now: the replay is written when the fetch answers, behind the live messages
        // written meanwhile (with `buffer`, writing it now queues those behind it, as a server holding them does).
        this.replayLater(i, channel, decision.fromSerial, decision.count, writeMs, hold, server);
        continue;
      }
      for (let s = decision.fromSerial; s < decision.fromSerial + decision.count; s++) {
        this.counters.replayed++;
        const publishedAtMs = history.publishedAtMs(s, now) ?? now;
        this.write(i, channel, s, history.bytesOf(s, now) ?? this.bytes.mean, publishedAtMs, writeMs, true, hold);
      }
    }
    this.rooms.operations.afterWrites(server);
  }

  /**
   * `ordering: none`: writes serials [fromSerial, fromSerial + count) of `channel` to connection i at `writeMs`,
   * if the connection is still open then; their publish times and sizes are read now, as the fetch reads them.
   */
  private replayLater(i: number, channel: number, fromSerial: number, count: number, writeMs: number, hold: boolean, server: SimServer): void {
    const now = this.world.sim.nowMs;
    const history = this.histories[channel] as ChannelHistory;
    const publishedAtMs = new Float64Array(count);
    const bytes = new Float64Array(count);
    for (let k = 0; k < count; k++) {
      publishedAtMs[k] = history.publishedAtMs(fromSerial + k, now) ?? now;
      bytes[k] = history.bytesOf(fromSerial + k, now) ?? this.bytes.mean;
    }
    const conn = packConn(i, this.world.clients.c.epoch[i] as number);
    this.world.sim.at(writeMs, () => {
      if (this.world.current(conn) !== i || !this.isOpen(i)) return;
      for (let k = 0; k < count; k++) {
        this.counters.replayed++;
        this.write(i, channel, fromSerial + k, bytes[k] as number, publishedAtMs[k] as number, writeMs, true, hold);
      }
      this.rooms.operations.afterWrites(server);
    });
  }

  /** The connection is gone (any reason): what the client consumed by now counts, the rest is discarded. */
  close(i: number): void {
    this.cohorts.leave(i);
    const now = this.world.sim.nowMs;
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
        this.publishRates?.place(pos, last);
      }
      this.publishRates?.clear(this.live.length);
      this.livePos[i] = -1;
    }
  }

  /**
   * Client i's network is cut off until `untilMs` (a partition): it leaves its fan-out cohorts (it no
   * longer keeps up), and nothing written to its connection reaches it before the heal. What it has
   * not received waits, at the server beyond the path's window, as for a client that stopped reading:
   * the backpressure policy acts on it; delivered late if the connection outlives the partition,
   * discarded if the server closes it first. `untilMs` = NEVER_MS: the connection is dead (a disconnect
   * without FIN) and only its close ends the wait.
   */
  cut(i: number, untilMs: number): void {
    if (!this.isOpen(i)) return;
    this.cohorts.leave(i);
    const now = this.world.sim.nowMs;
    this.settle(i, now);
    this.queues.cut(i, now, untilMs);
  }

  /**
   * Closes the books on a client when it leaves or the run ends. Connected (or leaving): what it has not
   * got is in flight, or dropped when the policy dropped it. Disconnected: what its resume strategy would
   * recover on reconnecting now is in flight, the rest lost. Given up: everything it missed is lost.
   */
  finish(i: number, state: 'connected' | 'disconnected' | 'gave-up'): void {
    this.cohorts.leave(i);
    const now = this.world.sim.nowMs;
    // What an open connection consumed by now counts (a cohort member's last message, written out by leave(), too).
    if (this.isOpen(i)) this.settle(i, now);
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

  /** Whether connection i is open (it has a send queue and a policy). */
  isOpen(i: number): boolean {
    return this.policies[i] !== undefined;
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
    const s = this.world.clients.c.server[i] as number;
    const server = this.world.servers[s];
    // A dead server's buffers are already gone.
    if (server?.up === true) server.sendBufferBytes += this.queues.queuedBytes(i) - before;
  }

  /** Settles every open connection (before sampling send buffers). */
  settleAll(): void {
    const now = this.world.sim.nowMs;
    this.cohorts.settle(now);
    // Only connections holding messages have anything to settle; settling one may take it off the list.
    const busy = this.queues.busy();
    for (let k = busy.length - 1; k >= 0; k--) this.settle(busy[k] as number, now);
  }

  /** Closes a sampling interval: its latencies join the run's. */
  flushInterval(): void {
    this.latency.add(this.intervalLatency);
    this.intervalLatency.reset();
  }

  /** Settles every open connection of a server (before reading its buffered bytes). */
  settleServer(server: SimServer): void {
    const now = this.world.sim.nowMs;
    this.cohorts.settle(now, server.id);
    for (const i of server.heldClients(this.world.clients)) this.settle(i, now);
  }

  /**
   * Writes one message to connection i at `writeMs` through its backpressure policy; returns when the
   * client will have consumed it (NaN when not queued).
   */
  write(i: number, channel: number, serial: number, bytes: number, publishedAtMs: number, writeMs: number, replayed: boolean, hold: boolean): number {
    const policy = this.policies[i];
    if (policy === undefined) return NaN;
    const q = this.queues;
    const before = q.queuedBytes(i);
    if (q.pending(i)) q.settle(i, this.world.sim.nowMs, policy.softLimitBytes, this.onDelivered);
    this.rooms.timers.noteData(i, writeMs);
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
        this.rooms.serverSide.closeSlowConsumer(i);
        return NaN;
    }
    this.counters.offered++;
    q.markSlow(i, writeMs, policy.softLimitBytes);
    if (q.queuedBytes(i) !== before) this.track(i, before);
    // Pings now queue behind this data: a heartbeat kept in a cohort goes back to the per-connection path.
    if (!Number.isNaN(done)) this.rooms.timers.unbatchIfBehind(i);
    if (hold) this.rooms.polling?.onData(i);
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
    // 'late': a replayed serial the live messages overtook (ordering none) fills its hole; no drop explains it.
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

  behindBacklogMs(i: number, arrivalMs: number): number {
    return this.queues.behindBacklogMs(i, arrivalMs);
  }

  readCost(server: SimServer): number {
    return server.costs.messageRead.sample(server.rng);
  }

  outCost(server: SimServer): number {
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
    this.cohorts.dissolveAll();
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
