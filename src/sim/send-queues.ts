import type { SendQueueView } from '../strategies/index.js';
import { growColumns } from './columns.js';

const INITIAL_ENTRIES = 1024;
const INITIAL_CONNECTIONS = 1024;

function makeConnectionColumns(n: number) {
  return {
    head: new Int32Array(n).fill(-1),
    tail: new Int32Array(n).fill(-1),
    /** The last entry of the path prefix (handed to the kernel), or -1 when none is. */
    pathLast: new Int32Array(n).fill(-1),
    pathBytes: new Float64Array(n),
    pathCount: new Int32Array(n),
    /** What waits at the server, behind the path: ws's bufferedAmount, what backpressure acts on. */
    count: new Int32Array(n),
    queued: new Float64Array(n),
    /** Bytes the path holds at most: kernel buffers both ends and the client's receive quota. */
    windowBytes: new Float64Array(n),
    /** When the path has sent the last written byte, and when the client has consumed the last message. */
    txDoneMs: new Float64Array(n),
    consumedMs: new Float64Array(n),
    slowSince: new Float64Array(n).fill(NaN),
    msPerByte: new Float64Array(n),
    msPerMessage: new Float64Array(n),
    latencyMs: new Float64Array(n),
  };
}

const CONNECTION_FILL = { head: -1, tail: -1, pathLast: -1, slowSince: NaN };

/** Called for each message a settle finds consumed: connection, channel, serial, publish time, consume time, replayed. */
export type DeliveredFn = (i: number, channel: number, serial: number, publishedAtMs: number, doneAtMs: number, replayed: boolean) => void;
/** Called for each queued message removed unconsumed (dropped, conflated away, or discarded with its connection). */
export type RemovedFn = (i: number, channel: number, serial: number) => void;

/**
 * Every connection's messages written by the server and not yet consumed by the client.
 *
 * The oldest of them, up to the connection's window of bytes, are in the path: kernel buffers and
 * the client's receive quota (browsers stop reading a WebSocket whose messages the page has not
 * taken). The rest wait at the server, in ws's `bufferedAmount`: that is the queue backpressure
 * acts on and server memory holds. A connection drains as two stages in tandem, both FIFO at fixed
 * rates: the path (bytes at the client's downlink bandwidth, then one-way latency) and the client
 * application (1 / consumePerSec per message). So a message's consume time is fixed when it is
 * written, and the queue needs no events: `settle` pops what is consumed by now (checked against a
 * per-event version in test/sim/messages.test.ts). Entries live in one pool of typed arrays, linked
 * per connection. A held message (long polling) waits with an infinite consume time until `release`.
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
  /** Per connection: queue ends, path prefix, sizes, pacing state, and the client's rates. */
  private c = makeConnectionColumns(INITIAL_CONNECTIONS);
  /** Bytes waiting at servers over all connections (consumed entries leave at their next settle). */
  totalBytes = 0;

  /** Bytes waiting at the server behind the path (bufferedAmount). */
  queuedBytes(i: number): number {
    return this.c.queued[i] ?? 0;
  }

  /** Messages waiting at the server behind the path. */
  queuedMessages(i: number): number {
    return this.c.count[i] ?? 0;
  }

  /** Whether anything written is not yet consumed (in the path or at the server). */
  pending(i: number): boolean {
    return (this.c.head[i] ?? -1) >= 0;
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
  open(i: number, nowMs: number, oneWayMs: number, windowBytes: number): void {
    this.ensure(i);
    this.c.txDoneMs[i] = nowMs;
    this.c.consumedMs[i] = nowMs;
    this.c.slowSince[i] = NaN;
    this.c.latencyMs[i] = oneWayMs;
    this.c.windowBytes[i] = windowBytes;
  }

  /** Pops the messages consumed by `nowMs`, oldest first; the path takes more from the server's queue. */
  settle(i: number, nowMs: number, softLimitBytes: number, delivered: DeliveredFn): void {
    let e = this.c.head[i] as number;
    if (e < 0 || (this.doneAtMs[e] as number) > nowMs) return;
    while (e >= 0 && (this.doneAtMs[e] as number) <= nowMs) {
      delivered(i, this.channel[e] as number, this.serial[e] as number, this.publishedAtMs[e] as number, this.doneAtMs[e] as number, this.replayed[e] === 1);
      const n = this.next[e] as number;
      this.unlinkHead(i, e);
      e = n;
    }
    this.advance(i);
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
    if (this.c.pathLast[i] === t) this.advance(i);
    return this.doneAtMs[e] as number;
  }

  /** Marks the connection slow from `nowMs` if it is over `softLimitBytes` and was not already. */
  markSlow(i: number, nowMs: number, softLimitBytes: number): void {
    if ((this.c.queued[i] as number) > softLimitBytes && Number.isNaN(this.c.slowSince[i])) this.c.slowSince[i] = nowMs;
  }

  /** Removes the `count` oldest messages waiting at the server (the path's are gone from it), and re-paces the rest from `nowMs`. */
  dropOldest(i: number, count: number, nowMs: number, removed: RemovedFn): void {
    const prev = this.c.pathLast[i] as number;
    let e = this.firstAtServer(i);
    for (let k = 0; k < count && e >= 0; k++) {
      const n = this.next[e] as number;
      removed(i, this.channel[e] as number, this.serial[e] as number);
      this.unlinkAtServer(i, prev, e);
      e = n;
    }
    this.repace(i, nowMs, prev);
    this.advance(i);
  }

  /**
   * Replaces the message of `channel` waiting at the server by this one, in place (conflation), and
   * returns true; returns false when none is waiting.
   */
  replace(i: number, channel: number, serial: number, bytes: number, publishedAtMs: number, nowMs: number, removed: RemovedFn): boolean {
    for (let before = this.c.pathLast[i] as number, e = this.firstAtServer(i); e >= 0; before = e, e = this.next[e] as number) {
      if (this.channel[e] !== channel) continue;
      removed(i, channel, this.serial[e] as number);
      this.c.queued[i] = (this.c.queued[i] as number) + bytes - (this.bytes[e] as number);
      this.totalBytes += bytes - (this.bytes[e] as number);
      this.serial[e] = serial;
      this.bytes[e] = bytes;
      this.publishedAtMs[e] = publishedAtMs;
      this.replayed[e] = 0;
      this.repace(i, nowMs, before);
      this.advance(i);
      return true;
    }
    return false;
  }

  /** Bytes of the message of `channel` (a conflation key) waiting at the server, 0 when none. */
  queuedBytesOf(i: number, channel: number): number {
    for (let e = this.firstAtServer(i); e >= 0; e = this.next[e] as number) if (this.channel[e] === channel) return this.bytes[e] as number;
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
    this.advance(i);
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

  /** A read-only view of connection i's queue at the server for a backpressure policy; valid until the next call. */
  view(i: number): SendQueueView {
    this.sendQueueView.i = i;
    return this.sendQueueView;
  }

  private readonly sendQueueView = new QueueView(this);

  /** When the oldest message waiting at the server was published; NaN when none waits. */
  oldestAtMs(i: number): number {
    const e = this.firstAtServer(i);
    return e < 0 ? NaN : (this.publishedAtMs[e] as number);
  }

  slowSinceMs(i: number): number {
    return this.c.slowSince[i] as number;
  }

  private firstAtServer(i: number): number {
    const last = this.c.pathLast[i] as number;
    return last < 0 ? (this.c.head[i] as number) : (this.next[last] as number);
  }

  /** Moves messages from the server's queue into the path while the window has room (the first always fits). */
  private advance(i: number): void {
    const c = this.c;
    const window = c.windowBytes[i] as number;
    let e = this.firstAtServer(i);
    while (e >= 0 && this.doneAtMs[e] !== Infinity) {
      const b = this.bytes[e] as number;
      if ((c.pathCount[i] as number) > 0 && (c.pathBytes[i] as number) + b > window) break;
      c.pathBytes[i] = (c.pathBytes[i] as number) + b;
      c.pathCount[i] = (c.pathCount[i] as number) + 1;
      c.queued[i] = (c.queued[i] as number) - b;
      c.count[i] = (c.count[i] as number) - 1;
      this.totalBytes -= b;
      c.pathLast[i] = e;
      e = this.next[e] as number;
    }
    if (c.count[i] === 0) c.queued[i] = 0;
  }

  private lastSentMs = 0;

  /** When a message of `bytes` written at `writeMs` is consumed, advancing the connection's two stages. */
  private pace(i: number, writeMs: number, bytes: number): number {
    const sentMs = Math.max(writeMs, this.c.txDoneMs[i] as number) + bytes * (this.c.msPerByte[i] as number);
    this.c.txDoneMs[i] = sentMs;
    this.lastSentMs = sentMs;
    const doneMs = Math.max(sentMs + (this.c.latencyMs[i] as number), this.c.consumedMs[i] as number) + (this.c.msPerMessage[i] as number);
    this.c.consumedMs[i] = doneMs;
    return doneMs;
  }

  /** After a removal, the messages after entry `from` (-1: from the head) are sent again from `nowMs`, in order (held ones stay held). */
  private repace(i: number, nowMs: number, from: number): void {
    // What waits at the server starts on the wire now, behind what the path already holds.
    this.c.txDoneMs[i] = nowMs;
    this.c.consumedMs[i] = from < 0 ? nowMs : Math.max(nowMs, this.doneAtMs[from] as number);
    for (let e = from < 0 ? (this.c.head[i] as number) : (this.next[from] as number); e >= 0; e = this.next[e] as number) {
      if (this.doneAtMs[e] !== Infinity) this.doneAtMs[e] = this.pace(i, nowMs, this.bytes[e] as number);
    }
  }

  /** Unlinks entry e waiting at the server, whose predecessor is `prev` (-1 for the head). */
  private unlinkAtServer(i: number, prev: number, e: number): void {
    const c = this.c;
    const n = this.next[e] as number;
    if (prev < 0) c.head[i] = n;
    else this.next[prev] = n;
    if (c.tail[i] === e) c.tail[i] = prev;
    c.count[i] = (c.count[i] as number) - 1;
    c.queued[i] = (c.queued[i] as number) - (this.bytes[e] as number);
    this.totalBytes -= this.bytes[e] as number;
    if (c.count[i] === 0) c.queued[i] = 0;
    this.next[e] = this.free;
    this.free = e;
  }

  /** Unlinks the head, in the path or (with no path) at the server. */
  private unlinkHead(i: number, e: number): void {
    const c = this.c;
    if ((c.pathLast[i] as number) < 0) {
      this.unlinkAtServer(i, -1, e);
      return;
    }
    c.pathCount[i] = (c.pathCount[i] as number) - 1;
    c.pathBytes[i] = (c.pathBytes[i] as number) - (this.bytes[e] as number);
    if (c.pathLast[i] === e) {
      c.pathLast[i] = -1;
      c.pathBytes[i] = 0;
    }
    c.head[i] = this.next[e] as number;
    if (c.head[i] === -1) c.tail[i] = -1;
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

/** One reusable view object: policies read the connection last passed to `view`. */
class QueueView implements SendQueueView {
  i = 0;
  constructor(private readonly queues: SendQueues) {}
  get queuedBytes(): number {
    return this.queues.queuedBytes(this.i);
  }
  get queuedMessages(): number {
    return this.queues.queuedMessages(this.i);
  }
  get oldestQueuedAtMs(): number {
    return this.queues.oldestAtMs(this.i);
  }
  get slowSinceMs(): number {
    return this.queues.slowSinceMs(this.i);
  }
  queuedBytesOf(key: string): number {
    return this.queues.queuedBytesOf(this.i, Number(key));
  }
}
