import type { LogHistogram } from '../metrics/index.js';
import type { ChannelReceiver } from '../strategies/index.js';
import { frameBytes, type MessageCounters } from './message-stats.js';
import type { Rooms } from './ports.js';
import type { SendQueues } from './send-queues.js';
import type { Subscriptions } from './subscriptions.js';
import type { World } from './world.js';

/** What the fan-out needs of the pub/sub room. */
export interface FanoutHost {
  readonly queues: SendQueues;
  readonly subs: Subscriptions;
  readonly receivers: (ChannelReceiver | undefined)[];
  readonly counters: MessageCounters;
  readonly intervalLatency: LogHistogram;
  isOpen(i: number): boolean;
  settle(i: number, nowMs: number): void;
  write(i: number, channel: number, serial: number, bytes: number, publishedAtMs: number, writeMs: number, replayed: boolean, hold: boolean): number;
  /** Whether every message has the same size (a constant distribution). */
  readonly fixedBytes: boolean;
  /** Whether every connection's backpressure policy enqueues a message of `bytes` on an empty queue, unchanged. */
  passesWhenEmpty(bytes: number): boolean;
}

/**
 * One channel's subscribers on one server process, for the fan-out: those that keep up (the
 * cohort: sorted by latency offset), and the others in list order, newest first.
 */
class Cohort {
  size = 0;
  /** Members sorted by offset (transit − rank × out): offsets, transit times, slots; some may have left since the last rebuild. */
  off: Float64Array = new Float64Array(0);
  transit: Float64Array = new Float64Array(0);
  slot: Int32Array = new Int32Array(0);
  /** prefix[k] = the sum of the first k offsets. */
  prefix: Float64Array = new Float64Array(1);
  entries = 0;
  dirty = false;
  maxTransitMs = 0;
  /** The subscribers written one by one, newest first (valid unless `stale`). */
  exact: number[] = [];
  exactSorted = true;
  /** A subscriber left since the last fan-out: positions must be counted again. */
  stale = true;
  /** The last message the cohort was written: when its batch ended, serial, size, publish time, per-recipient cost. */
  atMs = NaN;
  serial = 0;
  bytes = 0;
  publishedAtMs = 0;
  outMs = 0;
  /** Offsets at or below this have been recorded as consumed (of the last message). */
  recordedOff = -Infinity;

  constructor(
    readonly key: number,
    readonly channel: number,
    readonly server: number,
  ) {}
}

/** First index in sorted[0, n) whose value is above `x`. */
function upperBound(sorted: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The batched fan-out, with cohorts (`fanout: cohort`). One message's CPU job on a server process
 * writes it to each local subscriber in turn, newest first, `out` apart, ending now: a subscriber
 * with `rank` older ones is written at now − rank × out, and its consume time follows from its
 * connection's pacing (send-queues.ts).
 *
 * A subscriber that keeps up (its connection's only subscription, nothing queued, both stages free by its write, a policy that enqueues
 * on an empty queue, not long polling, nothing missed) consumes each message `transit` after its
 * write whatever came before, so its latency is the batch's (end − publish) plus a fixed offset,
 * transit − rank × out. Such subscribers form the cohort: a message costs O(1) counters and
 * O(buckets) latency records for all of them (LogHistogram.recordShifted) instead of a write each.
 * A member stays while each message comes at least its transit after the last one at the same size
 * and cost; one that does not, or that leaves (close, departure, the run's end), is handed back to
 * the exact path as that path would have left it: receiver, pacing, last data time, and the last
 * message as a queued entry when it is not consumed yet. A subscriber leaving shifts the ranks of
 * newer ones: positions are counted again at the next fan-out and moved members re-sorted.
 * `fanout: batched` is the same loop with no cohort; test/sim/cohort-fanout.test.ts checks one
 * against the other.
 */
export class Cohorts {
  private readonly byKey = new Map<number, Cohort>();
  /** Per subscription slot: its rank at its cohort's last write, or -1 when not a member. */
  private rankOf = new Int32Array(1024).fill(-1);
  /** Per subscription slot: how many subscribers of its list are older, or -1 when not counted yet. */
  private pos = new Int32Array(1024).fill(-1);
  /** Writes done as a cohort (each one a delivery offered to a subscriber), for benchmarks and tests. */
  written = 0;

  constructor(
    private readonly world: World,
    private readonly rooms: Rooms,
    private readonly host: FanoutHost,
    private readonly enabled: boolean,
  ) {}

  /**
   * One message's batch on server process `target` (server × 256 + process) is done now: writes it
   * to every subscriber of `channel` there, the one with `rank` older subscribers at now − rank × out.
   */
  deliver(server: number, target: number, channel: number, serial: number, bytes: number, publishedAtMs: number, outMs: number, fixedOut: boolean): void {
    const { subs } = this.host;
    const now = this.world.sim.nowMs;
    const key = subs.key(target, channel);
    const n = subs.count(target, channel);
    if (!this.enabled) {
      const slots: number[] = [];
      for (let s = subs.newest(key); s >= 0; s = subs.c.next[s] as number) slots.push(s);
      for (let k = 0; k < slots.length; k++) this.writeOne(slots[k] as number, channel, serial, bytes, publishedAtMs, now - (n - 1 - k) * outMs);
      return;
    }
    let cohort = this.byKey.get(key);
    if (cohort === undefined) {
      cohort = new Cohort(key, channel, server);
      this.byKey.set(key, cohort);
    }
    // One subscription per connection: with more, other channels' writes share the connection's pacing.
    const formable = fixedOut && this.host.fixedBytes && subs.perClient === 1 && this.host.passesWhenEmpty(bytes);
    if (cohort.size > 0) {
      if (!formable || serial !== cohort.serial + 1 || bytes !== cohort.bytes || outMs !== cohort.outMs) this.dissolve(cohort, -Infinity);
      else {
        // A member of rank r consumed the last message at atMs − r·out + transit and is written this one
        // at now − r'·out with r' ≤ r: it is free by then when transit ≤ now − atMs.
        const gapMs = now - cohort.atMs;
        if (cohort.maxTransitMs * (1 + 1e-12) + 1e-9 > gapMs) this.dissolve(cohort, gapMs);
        this.recordDue(cohort, Infinity);
      }
    }
    this.count(cohort, n, outMs);
    const exact = cohort.exact;
    const kept: number[] = [];
    const joined: number[] = [];
    for (const s of exact) {
      const w = now - (this.pos[s] as number) * outMs;
      if (formable && this.keepsUp(s, serial, w, now)) joined.push(s);
      else kept.push(s);
    }
    if (joined.length > 0) this.absorb(cohort, joined, bytes, outMs);
    cohort.exact = kept;
    if (cohort.size > 0) {
      cohort.atMs = now;
      cohort.serial = serial;
      cohort.bytes = bytes;
      cohort.publishedAtMs = publishedAtMs;
      cohort.outMs = outMs;
      cohort.recordedOff = -Infinity;
      this.host.counters.offered += cohort.size;
      this.written += cohort.size;
      this.host.counters.dataBytes += cohort.size * frameBytes(bytes);
    }
    for (const s of kept) this.writeOne(s, channel, serial, bytes, publishedAtMs, now - (this.pos[s] as number) * outMs);
  }

  private writeOne(slot: number, channel: number, serial: number, bytes: number, publishedAtMs: number, writeMs: number): void {
    const i = this.host.subs.clientOf(slot);
    this.host.write(i, channel, serial, bytes, publishedAtMs, writeMs, false, this.world.clients.c.polling[i] === 1);
  }

  /** Records what cohorts have consumed by now (before a sample reads the counters); one server's, or all running servers'. */
  settle(nowMs: number, server = -1): void {
    for (const cohort of this.byKey.values()) {
      if (cohort.size === 0 || (server >= 0 && cohort.server !== server)) continue;
      if (server < 0 && this.world.servers[cohort.server]?.up !== true) continue;
      this.recordDue(cohort, nowMs - cohort.atMs);
    }
  }

  /** Client i's connection leaves (close, departure, the end): out of its cohorts, and newer subscribers move up. */
  leave(i: number): void {
    const subs = this.host.subs;
    for (let k = 0; k < subs.perClient; k++) {
      const slot = subs.slot(i, k);
      const cohort = this.cohortOf(slot);
      if (cohort === undefined) continue;
      cohort.stale = true;
      if (slot < this.pos.length) this.pos[slot] = -1;
      if ((this.rankOf[slot] ?? -1) >= 0) {
        this.materialize(cohort, slot);
        cohort.size--;
        cohort.dirty = true;
      }
    }
  }

  /** Writes client i's last data time from its cohorts (before an idle check or a shedder reads it). */
  syncActivity(i: number): void {
    const subs = this.host.subs;
    for (let k = 0; k < subs.perClient; k++) {
      const slot = subs.slot(i, k);
      const r = this.rankOf[slot] ?? -1;
      if (r < 0) continue;
      const cohort = this.cohortOf(slot) as Cohort;
      this.rooms.timers.noteData(i, cohort.atMs - r * cohort.outMs);
    }
  }

  /** The cohort of a subscribed slot's list, if its list has had a fan-out. */
  private cohortOf(slot: number): Cohort | undefined {
    const subs = this.host.subs;
    const target = subs.c.target[slot] as number;
    return target < 0 ? undefined : this.byKey.get(subs.key(target, subs.channelOf(slot)));
  }

  /** Hands every member back to the exact path (before the receivers are totalled). */
  dissolveAll(): void {
    for (const cohort of this.byKey.values()) if (cohort.size > 0) this.dissolve(cohort, -Infinity);
  }

  /** Whether slot s, written at `writeMs`, keeps up: it then joins the cohort for this message. */
  private keepsUp(s: number, serial: number, writeMs: number, nowMs: number): boolean {
    const { subs, queues, receivers } = this.host;
    const i = subs.clientOf(s);
    if (this.world.clients.c.polling[i] === 1 || !this.host.isOpen(i) || (subs.c.dropsPending[s] as number) !== 0) return false;
    // The exact write would settle first; so does this.
    if (queues.pending(i)) this.host.settle(i, nowMs);
    return receivers[s]?.lastSerial === serial - 1 && queues.freeBy(i, writeMs);
  }

  /**
   * Counts positions again after a subscriber left (every one, from the oldest), or only those of new
   * subscribers (the newest ones, not counted yet); keeps `exact` newest first and re-sorts moved members.
   */
  private count(cohort: Cohort, n: number, outMs: number): void {
    const subs = this.host.subs;
    if (subs.c.channel.length > this.pos.length) this.grow(subs.c.channel.length);
    const pos = this.pos;
    if (cohort.stale) {
      const exact: number[] = [];
      let moved = false;
      let r = 0;
      for (let s = subs.oldest(cohort.key); s >= 0; s = subs.c.prev[s] as number, r++) {
        pos[s] = r;
        const rank = this.rankOf[s] as number;
        if (rank < 0) exact.push(s);
        else if (rank !== r) moved = true;
      }
      cohort.exact = exact.reverse();
      cohort.exactSorted = true;
      cohort.stale = false;
      if (moved) this.rerank(cohort, outMs);
      return;
    }
    const fresh: number[] = [];
    for (let s = subs.newest(cohort.key), r = n - 1; s >= 0 && pos[s] === -1; s = subs.c.next[s] as number, r--) {
      pos[s] = r;
      fresh.push(s);
    }
    if (!cohort.exactSorted) {
      cohort.exact.sort((a, b) => (this.pos[b] as number) - (this.pos[a] as number));
      cohort.exactSorted = true;
    }
    if (fresh.length > 0) cohort.exact = fresh.concat(cohort.exact);
  }

  /** Members whose rank changed get their new offsets, and the cohort is sorted again. */
  private rerank(cohort: Cohort, outMs: number): void {
    if (cohort.dirty) this.rebuild(cohort);
    const n = cohort.entries;
    const off = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const s = cohort.slot[k] as number;
      const r = this.pos[s] as number;
      this.rankOf[s] = r;
      off[k] = (cohort.transit[k] as number) - r * outMs;
    }
    const order = Array.from({ length: n }, (_, k) => k);
    order.sort((a, b) => (off[a] as number) - (off[b] as number) || (cohort.slot[a] as number) - (cohort.slot[b] as number));
    this.install(
      cohort,
      Float64Array.from(order, (k) => off[k] as number),
      Float64Array.from(order, (k) => cohort.transit[k] as number),
      Int32Array.from(order, (k) => cohort.slot[k] as number),
      n,
    );
  }

  /** Records the last message's latencies of members with offsets up to `offLimit` (Infinity: all). */
  private recordDue(cohort: Cohort, offLimit: number): void {
    if (cohort.dirty) this.rebuild(cohort);
    if (offLimit <= cohort.recordedOff) return;
    const from = upperBound(cohort.off, cohort.entries, cohort.recordedOff);
    const to = offLimit === Infinity ? cohort.entries : upperBound(cohort.off, cohort.entries, offLimit);
    if (to > from) {
      this.host.intervalLatency.recordShifted(cohort.atMs - cohort.publishedAtMs, cohort.off, cohort.prefix, from, to);
      this.host.counters.delivered += to - from;
    }
    cohort.recordedOff = offLimit;
  }

  /** Adds subscribers that keep up to the cohort, merged into its order. */
  private absorb(cohort: Cohort, joined: number[], bytes: number, outMs: number): void {
    const { subs, queues } = this.host;
    if (cohort.dirty) this.rebuild(cohort);
    const transits = joined.map((s) => queues.transitMs(subs.clientOf(s), bytes));
    const offs = joined.map((s, k) => (transits[k] as number) - (this.pos[s] as number) * outMs);
    const order = joined.map((_, k) => k);
    order.sort((a, b) => (offs[a] as number) - (offs[b] as number) || (joined[a] as number) - (joined[b] as number));
    for (const s of joined) this.rankOf[s] = this.pos[s] as number;
    cohort.size += joined.length;
    const total = cohort.entries + joined.length;
    const off = new Float64Array(total);
    const transit = new Float64Array(total);
    const slot = new Int32Array(total);
    let a = 0;
    let b = 0;
    for (let k = 0; k < total; k++) {
      const j = order[b] as number;
      const fromOld = b >= order.length || (a < cohort.entries && (cohort.off[a] as number) <= (offs[j] as number));
      if (fromOld) {
        off[k] = cohort.off[a] as number;
        transit[k] = cohort.transit[a] as number;
        slot[k] = cohort.slot[a] as number;
        a++;
      } else {
        off[k] = offs[j] as number;
        transit[k] = transits[j] as number;
        slot[k] = joined[j] as number;
        b++;
      }
    }
    this.install(cohort, off, transit, slot, total);
  }

  /** Drops the entries of members that left. */
  private rebuild(cohort: Cohort): void {
    const subs = this.host.subs;
    const off = new Float64Array(cohort.size);
    const transit = new Float64Array(cohort.size);
    const slot = new Int32Array(cohort.size);
    let n = 0;
    for (let k = 0; k < cohort.entries; k++) {
      const s = cohort.slot[k] as number;
      // A slot that left may have joined another list since.
      if ((this.rankOf[s] as number) < 0 || subs.key(subs.c.target[s] as number, subs.channelOf(s)) !== cohort.key) continue;
      off[n] = cohort.off[k] as number;
      transit[n] = cohort.transit[k] as number;
      slot[n] = s;
      n++;
    }
    this.install(cohort, off, transit, slot, n);
  }

  private install(cohort: Cohort, off: Float64Array, transit: Float64Array, slot: Int32Array, n: number): void {
    const prefix = new Float64Array(n + 1);
    let max = 0;
    for (let k = 0; k < n; k++) {
      prefix[k + 1] = (prefix[k] as number) + (off[k] as number);
      if ((transit[k] as number) > max) max = transit[k] as number;
    }
    cohort.off = off;
    cohort.transit = transit;
    cohort.slot = slot;
    cohort.prefix = prefix;
    cohort.entries = n;
    cohort.maxTransitMs = max;
    cohort.dirty = false;
  }

  /** Hands the members whose transit is above `gapMs` (all for -Infinity) back to the exact path. */
  private dissolve(cohort: Cohort, gapMs: number): void {
    if (cohort.dirty) this.rebuild(cohort);
    for (let k = 0; k < cohort.entries; k++) {
      if ((cohort.transit[k] as number) * (1 + 1e-12) + 1e-9 <= gapMs) continue;
      const s = cohort.slot[k] as number;
      this.materialize(cohort, s);
      cohort.size--;
      cohort.dirty = true;
      cohort.exact.push(s);
      cohort.exactSorted = false;
    }
  }

  /** Writes a member out as the exact path would have left it after the cohort's last message. */
  private materialize(cohort: Cohort, slot: number): void {
    const { subs, queues, receivers } = this.host;
    const i = subs.clientOf(slot);
    const r = this.rankOf[slot] as number;
    this.rankOf[slot] = -1;
    const writeMs = cohort.atMs - r * cohort.outMs;
    const receiver = receivers[slot] as ChannelReceiver;
    receiver.receiveThrough(cohort.serial - 1);
    // The same float expression as its offset in the sorted arrays, so it agrees with the recorded range.
    const off = queues.transitMs(i, cohort.bytes) - r * cohort.outMs;
    if (off <= cohort.recordedOff) {
      receiver.receiveThrough(cohort.serial);
      queues.pace(i, writeMs, cohort.bytes);
    } else {
      queues.push(i, cohort.channel, cohort.serial, cohort.bytes, cohort.publishedAtMs, writeMs, false, false);
    }
    this.rooms.timers.noteData(i, writeMs);
  }

  private grow(n: number): void {
    const size = Math.max(n, this.pos.length * 2);
    const pos = new Int32Array(size).fill(-1);
    pos.set(this.pos);
    this.pos = pos;
    const rank = new Int32Array(size).fill(-1);
    rank.set(this.rankOf);
    this.rankOf = rank;
  }
}
