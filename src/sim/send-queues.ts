import type { SendQueueView } from '../strategies/index.js';
import { growColumns } from './columns.js';

const INITIAL_ENTRIES = 1024;
const INITIAL_CONNECTIONS = 1024;

function makeConnectionColumns(n: number) {
  return {
    head: new Int32Array(n).fill(-1),
    tail: new Int32Array(n).fill(-1),
    count: new Int32Array(n),
    queued: new Float64Array(n),
    /** When the path has sent the last written byte, and when the client has consumed the last message. */
    txDoneMs: new Float64Array(n),
    consumedMs: new Float64Array(n),
    slowSince: new Float64Array(n).fill(NaN),
    msPerByte: new Float64Array(n),
    msPerMessage: new Float64Array(n),
    latencyMs: new Float64Array(n),
  };
}

const CONNECTION_FILL = { head: -1, tail: -1, slowSince: NaN };

/** Called for each message a settle finds consumed: connection, channel, serial, publish time, consume time, replayed. */
export type DeliveredFn = (i: number, channel: number, serial: number, publishedAtMs: number, doneAtMs: number, replayed: boolean) => void;
/** Called for each queued message removed unconsumed (dropped, conflated away, or discarded with its connection). */
export type RemovedFn = (i: number, channel: number, serial: number) => void;

/**
 * Every connection's send queue: messages written by the server and not yet consumed by the client.
 *
 * A connection drains as two stages in tandem, both FIFO at fixed rates: the path (bytes at the
 * client's downlink bandwidth, then one-way latency) and the client application (1 / consumePerSec
 * per message). So a message's consume time is fixed when it is written, and the queue needs no
 * events: `settle` pops what is consumed by now (checked against a per-event version in
 * test/sim/messages.test.ts). Entries live in one pool of typed arrays, linked per connection.
 * A held message (long polling) waits with an infinite consume time until `release`.
 */
export class SendQueues {
  // entry pool
  private channel = new Int32Array(INITIAL_ENTRIES);
  private serial = new Float64Array(INITIAL_ENTRIES);
  private bytes = new Float64Array(INITIAL_ENTRIES);
  private publishedAtMs = new Float64Array(INITIAL_ENTRIES);
  private doneAtMs = new Float64Array(INITIAL_ENTRIES);
  private replayed = new Uint8Array(INITIAL_ENTRIES);
  private next = new Int32Array(INITIAL_ENTRIES).fill(-1);
  private free = -1;
  private used = 0;
  /** Per connection: queue ends, size, pacing state, and the client's rates. */
  private c = makeConnectionColumns(INITIAL_CONNECTIONS);
  /** Queued bytes over all connections (consumed entries leave at their next settle). */
  totalBytes = 0;

  queuedBytes(i: number): number {
    return this.c.queued[i] ?? 0;
  }

  queuedMessages(i: number): number {
    return this.c.count[i] ?? 0;
  }

  /** Makes room for connection index `i`. */
  ensure(i: number): void {
    let n = this.c.head.length;
    if (i < n) return;
    while (n <= i) n *= 2;
    this.c = growColumns(this.c, n, CONNECTION_FILL);
  }

  /** A client's path and application: ms per byte of downlink, ms per message consumed. */
  setRates(i: number, msPerByte: number, msPerMessage: number): void {
    this.ensure(i);
    this.c.msPerByte[i] = msPerByte;
    this.c.msPerMessage[i] = msPerMessage;
  }

  /** A new connection starts with an empty, idle pipe. */
  open(i: number, nowMs: number, oneWayMs: number): void {
    this.ensure(i);
    this.c.txDoneMs[i] = nowMs;
    this.c.consumedMs[i] = nowMs;
    this.c.slowSince[i] = NaN;
    this.c.latencyMs[i] = oneWayMs;
  }

  /** Pops the messages consumed by `nowMs`, oldest first. */
  settle(i: number, nowMs: number, softLimitBytes: number, delivered: DeliveredFn): void {
    let e = this.c.head[i] as number;
    while (e >= 0 && (this.doneAtMs[e] as number) <= nowMs) {
      delivered(i, this.channel[e] as number, this.serial[e] as number, this.publishedAtMs[e] as number, this.doneAtMs[e] as number, this.replayed[e] === 1);
      const n = this.next[e] as number;
      this.unlinkHead(i, e);
      e = n;
    }
    if ((this.c.queued[i] as number) <= softLimitBytes) this.c.slowSince[i] = NaN;
  }

  /**
   * Writes a message at `writeMs` (≤ now) and returns when the client will have consumed it
   * (Infinity when `hold`: a long-poll session keeps it until the next poll).
   */
  push(i: number, channel: number, serial: number, bytes: number, publishedAtMs: number, writeMs: number, replayed: boolean, hold: boolean): number {
    const e = this.alloc();
    this.channel[e] = channel;
    this.serial[e] = serial;
    this.bytes[e] = bytes;
    this.publishedAtMs[e] = publishedAtMs;
    this.replayed[e] = replayed ? 1 : 0;
    this.doneAtMs[e] = hold ? Infinity : this.pace(i, writeMs, bytes);
    this.next[e] = -1;
    const t = this.c.tail[i] as number;
    if (t >= 0) this.next[t] = e;
    else this.c.head[i] = e;
    this.c.tail[i] = e;
    this.c.count[i] = (this.c.count[i] as number) + 1;
    this.c.queued[i] = (this.c.queued[i] as number) + bytes;
    this.totalBytes += bytes;
    return this.doneAtMs[e] as number;
  }

  /** Marks the connection slow from `nowMs` if it is over `softLimitBytes` and was not already. */
  markSlow(i: number, nowMs: number, softLimitBytes: number): void {
    if ((this.c.queued[i] as number) > softLimitBytes && Number.isNaN(this.c.slowSince[i])) this.c.slowSince[i] = nowMs;
  }

  /** Removes the `count` oldest messages and re-paces the rest from `nowMs`. */
  dropOldest(i: number, count: number, nowMs: number, removed: RemovedFn): void {
    for (let k = 0; k < count && (this.c.head[i] as number) >= 0; k++) {
      const e = this.c.head[i] as number;
      removed(i, this.channel[e] as number, this.serial[e] as number);
      this.unlinkHead(i, e);
    }
    this.repace(i, nowMs);
  }

  /**
   * Replaces the queued message of `channel` by this one in place (conflation) and returns true, or
   * returns false when none is queued.
   */
  replace(i: number, channel: number, serial: number, bytes: number, publishedAtMs: number, nowMs: number, removed: RemovedFn): boolean {
    for (let e = this.c.head[i] as number; e >= 0; e = this.next[e] as number) {
      if (this.channel[e] !== channel) continue;
      removed(i, channel, this.serial[e] as number);
      this.c.queued[i] = (this.c.queued[i] as number) + bytes - (this.bytes[e] as number);
      this.totalBytes += bytes - (this.bytes[e] as number);
      this.serial[e] = serial;
      this.bytes[e] = bytes;
      this.publishedAtMs[e] = publishedAtMs;
      this.replayed[e] = 0;
      this.repace(i, nowMs);
      return true;
    }
    return false;
  }

  /** Bytes of the queued message of `channel` (a conflation key), 0 when none. */
  queuedBytesOf(i: number, channel: number): number {
    for (let e = this.c.head[i] as number; e >= 0; e = this.next[e] as number) if (this.channel[e] === channel) return this.bytes[e] as number;
    return 0;
  }

  /** Sends every held message now (a poll answered at `writeMs`); returns how many. */
  release(i: number, writeMs: number): number {
    let n = 0;
    for (let e = this.c.head[i] as number; e >= 0; e = this.next[e] as number) {
      if (this.doneAtMs[e] !== Infinity) continue;
      this.doneAtMs[e] = this.pace(i, writeMs, this.bytes[e] as number);
      n++;
    }
    return n;
  }

  /** Empties the queue of a closed connection: everything left is removed unconsumed. */
  discard(i: number, removed: RemovedFn): void {
    for (let e = this.c.head[i] as number; e >= 0; ) {
      const n = this.next[e] as number;
      removed(i, this.channel[e] as number, this.serial[e] as number);
      this.unlinkHead(i, e);
      e = n;
    }
    this.c.slowSince[i] = NaN;
  }

  /** A read-only view of connection i's queue for a backpressure policy; valid until the next call. */
  view(i: number): SendQueueView {
    this.viewed = i;
    return this.sendQueueView;
  }

  private viewed = 0;
  private readonly sendQueueView: SendQueueView = this.makeView();

  /** One object for all views, reading whichever connection was last viewed. */
  private makeView(): SendQueueView {
    const view = { queuedBytesOf: (key: string) => this.queuedBytesOf(this.viewed, Number(key)) };
    return Object.defineProperties(view, {
      queuedBytes: { get: () => this.c.queued[this.viewed] as number },
      queuedMessages: { get: () => this.c.count[this.viewed] as number },
      oldestQueuedAtMs: {
        get: () => {
          const e = this.c.head[this.viewed] as number;
          return e < 0 ? NaN : (this.publishedAtMs[e] as number);
        },
      },
      slowSinceMs: { get: () => this.c.slowSince[this.viewed] as number },
    }) as unknown as SendQueueView;
  }

  /** When a message of `bytes` written at `writeMs` is consumed, advancing the connection's two stages. */
  private pace(i: number, writeMs: number, bytes: number): number {
    const sentMs = Math.max(writeMs, this.c.txDoneMs[i] as number) + bytes * (this.c.msPerByte[i] as number);
    this.c.txDoneMs[i] = sentMs;
    const doneMs = Math.max(sentMs + (this.c.latencyMs[i] as number), this.c.consumedMs[i] as number) + (this.c.msPerMessage[i] as number);
    this.c.consumedMs[i] = doneMs;
    return doneMs;
  }

  /** After a removal, the messages left are sent again from `nowMs` in order (held ones stay held). */
  private repace(i: number, nowMs: number): void {
    this.c.txDoneMs[i] = nowMs;
    this.c.consumedMs[i] = nowMs;
    for (let e = this.c.head[i] as number; e >= 0; e = this.next[e] as number) {
      if (this.doneAtMs[e] !== Infinity) this.doneAtMs[e] = this.pace(i, nowMs, this.bytes[e] as number);
    }
  }

  private unlinkHead(i: number, e: number): void {
    this.c.head[i] = this.next[e] as number;
    if (this.c.head[i] === -1) this.c.tail[i] = -1;
    this.c.count[i] = (this.c.count[i] as number) - 1;
    this.c.queued[i] = (this.c.queued[i] as number) - (this.bytes[e] as number);
    this.totalBytes -= this.bytes[e] as number;
    if (this.c.count[i] === 0) this.c.queued[i] = 0;
    this.next[e] = this.free;
    this.free = e;
  }

  private alloc(): number {
    if (this.free >= 0) {
      const e = this.free;
      this.free = this.next[e] as number;
      return e;
    }
    if (this.used === this.next.length) this.growPool();
    return this.used++;
  }

  private growPool(): void {
    const n = this.next.length * 2;
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.channel = grow(this.channel);
    this.serial = grow(this.serial);
    this.bytes = grow(this.bytes);
    this.publishedAtMs = grow(this.publishedAtMs);
    this.doneAtMs = grow(this.doneAtMs);
    this.replayed = grow(this.replayed);
    this.next = grow(this.next);
  }
}
