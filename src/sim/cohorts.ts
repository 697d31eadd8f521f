const DBG = { cohort: 0, exact: 0, fail: 0, empty: 0 };
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
  /** Whether every connection's backpressure policy enqueues a message of `bytes` on an empty queue, unchanged. */
  passesWhenEmpty(bytes: number): boolean;
}

/**
 * The subscribers of one channel on one server process that keep up: the oldest members of the
 * list, each with its rank (how many members are older, so its write in a batch comes rank × out
 * before the batch's end) and its latency offset (transit − rank × out), sorted.
 */
class Cohort {
  size = 0;
  /** The newest member's slot (rank size − 1), or -1. */
  top = -1;
  /** Sorted by offset: offsets, transit times and ranks; entries at ranks ≥ size left since the last rebuild. */
  off: Float64Array = new Float64Array(16);
  transit: Float64Array = new Float64Array(16);
  rank: Int32Array = new Int32Array(16);
  /** prefix[k] = sum of the first k offsets. */
  prefix: Float64Array = new Float64Array(17);
  entries = 0;
  dirty = false;
  maxTransitMs = 0;
  /** The last message written: when the batch ended, its serial, size, publish time and per-recipient cost. */
  atMs = NaN;
  serial = 0;
  bytes = 0;
  publishedAtMs = 0;
  outMs = 0;
  /** Offsets at or below this have been recorded as consumed (the last message's). */
  recordedOff = -Infinity;
  /** Fan-outs left before trying to form again after the last one failed, and how many failed in a row. */
  skip = 0;
  fails = 0;

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
 * writes it to each local subscriber in turn, newest first, `out` apart, ending now; a write's
 * consume time follows from the connection's pacing (send-queues.ts).
 *
 * A subscriber that keeps up (nothing queued, both stages free by its write, the policy enqueues on
 * an empty queue, not long polling, nothing missed) gets every message `transit` after its write,
 * whatever came before. Such subscribers, the oldest in the list, form a cohort: a message costs
 * O(1) counters plus O(buckets) latency records for all of them, not a write each. The cohort stays
 * while the next message comes at least the slowest member's transit after the last, with the same
 * size and cost; otherwise it dissolves into exact writes and forms again after a back-off. A member
 * leaving (close, departure, the run's end) dissolves it and every newer member: their receivers,
 * pacing and activity are written out as the exact path would have left them, and a message not yet
 * consumed becomes a queued entry. The exact path (`batched`) is the same loop with no cohort;
 * test/sim/cohort-fanout.test.ts checks one against the other.
 */
export class Cohorts {
  private readonly byKey = new Map<number, Cohort>();
  /** Per subscription slot: its rank in its cohort, or -1. */
  private rankOf = new Int32Array(1024).fill(-1);

  constructor(
    private readonly world: World,
    private readonly rooms: Rooms,
    private readonly host: FanoutHost,
    private readonly enabled: boolean,
  ) {}

  /**
   * One message's batch on server process `target` (server × 256 + process) is done now: writes it
   * to every subscriber of `channel` there, the k-th of n (newest first) at now − (n − 1 − k) × out.
   */
  deliver(server: number, target: number, channel: number, serial: number, bytes: number, publishedAtMs: number, outMs: number, fixedOut: boolean): void {
    const { subs, counters } = this.host;
    const now = this.world.sim.nowMs;
    const key = subs.key(target, channel);
    const n = subs.count(target, channel);
    let cohort = this.enabled ? this.byKey.get(key) : undefined;
    const formable = this.enabled && fixedOut && this.host.passesWhenEmpty(bytes);
    if (cohort !== undefined && cohort.size > 0) {
      if (formable && this.continues(cohort, serial, bytes, outMs, now)) {
        this.recordDue(cohort, Infinity);
        cohort.fails = 0;
      } else {
        DBG.fail++;
        this.dissolve(cohort, 0);
        cohort.skip = Math.min(64, 2 ** cohort.fails);
        cohort.fails++;
      }
    }
    if (formable && n > 0) {
      if (cohort === undefined) {
        cohort = new Cohort(key, channel, server);
        this.byKey.set(key, cohort);
      }
      if (cohort.skip > 0) cohort.skip--;
      else this.absorb(cohort, serial, bytes, outMs, now);
    }
    const m = cohort?.size ?? 0;
    if (cohort !== undefined && m > 0) {
      cohort.atMs = now;
      cohort.serial = serial;
      cohort.bytes = bytes;
      cohort.publishedAtMs = publishedAtMs;
      cohort.outMs = outMs;
      cohort.recordedOff = -Infinity;
      counters.offered += m;
      DBG.cohort += m;
      counters.dataBytes += m * frameBytes(bytes);
    }
    // The others, exactly: the newest n − m, collected first (a write may close its connection).
    const slots: number[] = [];
    for (let s = subs.newest(key); s >= 0 && slots.length < n - m; s = subs.c.next[s] as number) slots.push(s);
    const last = n - 1;
    const polling = this.world.clients.c.polling;
    DBG.exact += slots.length;
    if (cohort) { if (cohort.size===0) DBG.empty++; }
    for (let k = 0; k < slots.length; k++) {
      const i = subs.clientOf(slots[k] as number);
      this.host.write(i, channel, serial, bytes, publishedAtMs, now - (last - k) * outMs, false, polling[i] === 1);
    }
  }

  /** Records what cohorts have consumed by now (before a sample reads the counters); one server's, or all running servers'. */
  settle(nowMs: number, server = -1): void {
    for (const cohort of this.byKey.values()) {
      if (cohort.size === 0 || (server >= 0 && cohort.server !== server)) continue;
      if (server < 0 && this.world.servers[cohort.server]?.up !== true) continue;
      this.recordDue(cohort, nowMs - cohort.atMs);
    }
  }

  /** Client i's connection leaves (close, departure, the end): its cohorts dissolve from it up. */
  leave(i: number): void {
    const subs = this.host.subs;
    for (let k = 0; k < subs.perClient; k++) {
      const slot = subs.slot(i, k);
      const r = this.rankOf[slot] ?? -1;
      if (r >= 0) this.dissolve(this.cohortOf(slot), r);
    }
  }

  /** Writes client i's last data time from its cohorts (before an idle check or a shedder reads it). */
  syncActivity(i: number): void {
    const subs = this.host.subs;
    for (let k = 0; k < subs.perClient; k++) {
      const slot = subs.slot(i, k);
      const r = this.rankOf[slot] ?? -1;
      if (r < 0) continue;
      const cohort = this.cohortOf(slot);
      this.rooms.timers.noteData(i, cohort.atMs - r * cohort.outMs);
    }
  }

  /** Dissolves every cohort (before the receivers are totalled). */
  dissolveAll(): void {
    console.error('DBG', JSON.stringify(DBG));
    for (const cohort of this.byKey.values()) if (cohort.size > 0) this.dissolve(cohort, 0);
  }

  private cohortOf(slot: number): Cohort {
    const subs = this.host.subs;
    return this.byKey.get(subs.key(subs.c.target[slot] as number, subs.channelOf(slot))) as Cohort;
  }

  /** Whether every member is free again by its write of this message, so this message continues the cohort. */
  private continues(cohort: Cohort, serial: number, bytes: number, outMs: number, nowMs: number): boolean {
    if (serial !== cohort.serial + 1 || bytes !== cohort.bytes || outMs !== cohort.outMs) return false;
    // A member of rank r consumed the last message at atMs − r·out + transit and is written this one at now − r·out.
    return nowMs - cohort.atMs >= cohort.maxTransitMs * (1 + 1e-12) + 1e-9;
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

  /** Takes the subscribers just newer than the cohort into it, oldest first, while each keeps up. */
  private absorb(cohort: Cohort, serial: number, bytes: number, outMs: number, nowMs: number): void {
    const { subs, queues, receivers } = this.host;
    const polling = this.world.clients.c.polling;
    if (cohort.dirty) this.rebuild(cohort);
    const added: number[] = [];
    const transits: number[] = [];
    let s = cohort.size > 0 ? (subs.c.prev[cohort.top] as number) : subs.oldest(cohort.key);
    while (s >= 0) {
      const i = subs.clientOf(s);
      const r = cohort.size + added.length;
      if (polling[i] === 1 || !this.host.isOpen(i) || (subs.c.dropsPending[s] as number) !== 0) break;
      if (receivers[s]?.lastSerial !== serial - 1) break;
      if (queues.pending(i)) this.host.settle(i, nowMs);
      if (!queues.freeBy(i, nowMs - r * outMs)) break;
      if (s >= this.rankOf.length) this.growRanks(subs.c.channel.length);
      this.rankOf[s] = r;
      added.push(s);
      transits.push(queues.transitMs(i, bytes));
      s = subs.c.prev[s] as number;
    }
    if (added.length === 0) return;
    cohort.top = added[added.length - 1] as number;
    const base = cohort.size;
    cohort.size += added.length;
    // Merge the newcomers, sorted by offset (then rank), into the sorted arrays.
    const order = added.map((_, k) => k);
    const offs = transits.map((t, k) => t - (base + k) * outMs);
    order.sort((a, b) => (offs[a] as number) - (offs[b] as number) || a - b);
    const total = cohort.entries + added.length;
    const off = new Float64Array(total);
    const transit = new Float64Array(total);
    const rank = new Int32Array(total);
    let a = 0;
    let b = 0;
    for (let k = 0; k < total; k++) {
      const fromOld = b >= order.length || (a < cohort.entries && (cohort.off[a] as number) <= (offs[order[b] as number] as number));
      if (fromOld) {
        off[k] = cohort.off[a] as number;
        transit[k] = cohort.transit[a] as number;
        rank[k] = cohort.rank[a] as number;
        a++;
      } else {
        const j = order[b] as number;
        off[k] = offs[j] as number;
        transit[k] = transits[j] as number;
        rank[k] = base + j;
        b++;
      }
    }
    this.install(cohort, off, transit, rank, total);
  }

  /** Drops the entries of members that left (ranks ≥ size). */
  private rebuild(cohort: Cohort): void {
    const off = new Float64Array(cohort.size);
    const transit = new Float64Array(cohort.size);
    const rank = new Int32Array(cohort.size);
    let n = 0;
    for (let k = 0; k < cohort.entries; k++) {
      if ((cohort.rank[k] as number) >= cohort.size) continue;
      off[n] = cohort.off[k] as number;
      transit[n] = cohort.transit[k] as number;
      rank[n] = cohort.rank[k] as number;
      n++;
    }
    this.install(cohort, off, transit, rank, n);
  }

  private install(cohort: Cohort, off: Float64Array, transit: Float64Array, rank: Int32Array, n: number): void {
    const prefix = new Float64Array(n + 1);
    let max = 0;
    for (let k = 0; k < n; k++) {
      prefix[k + 1] = (prefix[k] as number) + (off[k] as number);
      if ((transit[k] as number) > max) max = transit[k] as number;
    }
    cohort.off = off;
    cohort.transit = transit;
    cohort.rank = rank;
    cohort.prefix = prefix;
    cohort.entries = n;
    cohort.maxTransitMs = max;
    cohort.dirty = false;
  }

  /** Hands the members of rank ≥ x back to the exact path, as it would have left them. */
  private dissolve(cohort: Cohort, x: number): void {
    const subs = this.host.subs;
    let s = cohort.top;
    for (let r = cohort.size - 1; r >= x; r--) {
      const older = subs.c.next[s] as number;
      this.materialize(cohort, s, r);
      s = older;
    }
    cohort.top = x > 0 ? s : -1;
    cohort.size = x;
    cohort.dirty = true;
  }

  private materialize(cohort: Cohort, slot: number, r: number): void {
    const { subs, queues, receivers } = this.host;
    const i = subs.clientOf(slot);
    this.rankOf[slot] = -1;
    const writeMs = cohort.atMs - r * cohort.outMs;
    const receiver = receivers[slot] as ChannelReceiver;
    receiver.receiveThrough(cohort.serial - 1);
    // The same float expression as when it joined, so it agrees with the recorded range.
    const off = queues.transitMs(i, cohort.bytes) - r * cohort.outMs;
    if (off <= cohort.recordedOff) {
      receiver.receiveThrough(cohort.serial);
      queues.paceOnly(i, writeMs, cohort.bytes);
    } else {
      queues.push(i, cohort.channel, cohort.serial, cohort.bytes, cohort.publishedAtMs, writeMs, false, false);
    }
    this.rooms.timers.noteData(i, writeMs);
  }

  private growRanks(n: number): void {
    const grown = new Int32Array(Math.max(n, this.rankOf.length * 2)).fill(-1);
    grown.set(this.rankOf);
    this.rankOf = grown;
  }
}
