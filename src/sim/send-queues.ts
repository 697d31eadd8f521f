import type { SendQueueView } from '../strategies/index.js';

const INITIAL_ENTRIES = 1024;

/**
 * The time a message on a dead connection (a disconnect without FIN) reaches its client: never, yet
 * finite, so it fills the path and the server's queue as a message that waits does (held messages,
 * Infinity, do not). Any time added to it stays it.
 */
export const NEVER_MS = Number.MAX_VALUE;
const INITIAL_CONNECTIONS = 1024;

/**
 * Per-connection fields, interleaved so one connection's state sits in two cache lines (a fan-out
 * touches every field of thousands of connections per message; separate columns cost a miss each).
 */
const C = {
  head: 0,
  tail: 1,
  /** The last entry of the path prefix (handed to the kernel), or -1 when none is. */
  pathLast: 2,
  pathBytes: 3,
  pathCount: 4,
  /** What waits at the server, behind the path: ws's bufferedAmount, what backpressure acts on. */
  count: 5,
  queued: 6,
  /** Bytes the path holds at most: kernel buffers both ends and the client's receive quota. */
  windowBytes: 7,
  /** When the path has sent the last written byte, and when the client has consumed the last message. */
  txDoneMs: 8,
  consumedMs: 9,
  slowSince: 10,
  msPerByte: 11,
  msPerMessage: 12,
  latencyMs: 13,
} as const;
const CONNECTION_STRIDE = 16;

/** Entry fields, one cache line per entry; `arrivedAtMs`: when its last byte reaches the client (Infinity while held). */
const E = { channel: 0, serial: 1, bytes: 2, publishedAtMs: 3, doneAtMs: 4, replayed: 5, next: 6, arrivedAtMs: 7 } as const;
const ENTRY_STRIDE = 8;

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
 * per-event version in test/sim/messages.test.ts). Connections and entries are records in two
 * Float64Arrays; entries are linked per connection. A held message (long polling) waits with an
 * infinite consume time until `release`.
 */
export class SendQueues {
  private ent = new Float64Array(INITIAL_ENTRIES * ENTRY_STRIDE);
  private free = -1;
  private used = 0;
  private conn = SendQueues.connections(INITIAL_CONNECTIONS);
  /** Bytes waiting at servers over all connections (consumed entries leave at their next settle). */
  totalBytes = 0;
  /** Connections holding any entry, dense (a settle of every connection visits only these). */
  private busyList = new Int32Array(INITIAL_CONNECTIONS);

  /**
   * `receive`: when client i has read a frame that reaches it at `arrivalMs` (its machine's CPU,
   * `clients.cpu.messageCostMs`); null: at once.
   */
  constructor(private readonly receive: ((i: number, arrivalMs: number) => number) | null = null) {}
  private busyCount = 0;
  private busyPos = new Int32Array(INITIAL_CONNECTIONS).fill(-1);

  private static connections(n: number): Float64Array {
    const conn = new Float64Array(n * CONNECTION_STRIDE);
    for (let i = 0; i < n; i++) {
      const o = i * CONNECTION_STRIDE;
      conn[o + C.head] = -1;
      conn[o + C.tail] = -1;
      conn[o + C.pathLast] = -1;
      conn[o + C.slowSince] = NaN;
    }
    return conn;
  }

  private get(i: number, field: number): number {
    return this.conn[i * CONNECTION_STRIDE + field] as number;
  }

  private set(i: number, field: number, value: number): void {
    this.conn[i * CONNECTION_STRIDE + field] = value;
  }

  private e(e: number, field: number): number {
    return this.ent[e * ENTRY_STRIDE + field] as number;
  }

  private next(e: number): number {
    return this.ent[e * ENTRY_STRIDE + E.next] as number;
  }

  /** Bytes waiting at the server behind the path (bufferedAmount). */
  queuedBytes(i: number): number {
    return this.conn[i * CONNECTION_STRIDE + C.queued] ?? 0;
  }

  /** Messages waiting at the server behind the path. */
  queuedMessages(i: number): number {
    return this.conn[i * CONNECTION_STRIDE + C.count] ?? 0;
  }

  /**
   * When a frame that would reach connection i's client at `arrivalMs` gets through the messages
   * written before it (TCP delivers in order; an Engine.IO ping is a packet the page handles in
   * turn): the consume time of the last of them, when two or more are still unconsumed at
   * `arrivalMs` (a backlog); -Infinity otherwise. One message still in transit is not a backlog: a
   * client that keeps up has at most that one, and the cohort fan-out does not hold it here.
   */
  behindBacklogMs(i: number, arrivalMs: number): number {
    let e = this.get(i, C.head);
    while (e >= 0 && this.e(e, E.doneAtMs) <= arrivalMs) e = this.next(e);
    return e >= 0 && this.next(e) >= 0 ? this.get(i, C.consumedMs) : -Infinity;
  }

  /** Whether anything written is not yet consumed (in the path or at the server). */
  pending(i: number): boolean {
    return (this.conn[i * CONNECTION_STRIDE + C.head] ?? -1) >= 0;
  }

  /** Makes room for connection index `i`. */
  ensure(i: number): void {
    let n = this.conn.length / CONNECTION_STRIDE;
    if (i < n) return;
    while (n <= i) n *= 2;
    const grown = SendQueues.connections(n);
    grown.set(this.conn);
    this.conn = grown;
    const pos = new Int32Array(n).fill(-1);
    pos.set(this.busyPos);
    this.busyPos = pos;
    const list = new Int32Array(n);
    list.set(this.busyList);
    this.busyList = list;
  }

  /** The connections holding any entry, oldest first until one empties; valid until the next change. */
  busy(): Int32Array {
    return this.busyList.subarray(0, this.busyCount);
  }

  private markBusy(i: number): void {
    this.busyPos[i] = this.busyCount;
    this.busyList[this.busyCount++] = i;
  }

  private markIdle(i: number): void {
    const p = this.busyPos[i] as number;
    if (p < 0) return;
    const last = this.busyList[--this.busyCount] as number;
    this.busyList[p] = last;
    this.busyPos[last] = p;
    this.busyPos[i] = -1;
  }

  /**
   * Whether connection i holds nothing and both its stages are free by `atMs`: a message written then
   * is paced from `atMs` alone, whatever came before (the cohort fan-out's condition).
   */
  freeBy(i: number, atMs: number): boolean {
    const c = i * CONNECTION_STRIDE;
    return (this.conn[c + C.head] as number) < 0 && (this.conn[c + C.txDoneMs] as number) <= atMs && (this.conn[c + C.consumedMs] as number) <= atMs;
  }

  /** From a message's write to its consumption on a free connection: downlink, path latency, application. */
  transitMs(i: number, bytes: number): number {
    const c = i * CONNECTION_STRIDE;
    return bytes * (this.conn[c + C.msPerByte] as number) + (this.conn[c + C.latencyMs] as number) + (this.conn[c + C.msPerMessage] as number);
  }


  /** A client's path and application: ms per byte of downlink, ms per message consumed. */
  setRates(i: number, msPerByte: number, msPerMessage: number): void {
    this.ensure(i);
    this.set(i, C.msPerByte, msPerByte);
    this.set(i, C.msPerMessage, msPerMessage);
  }

  /** A new connection starts with an empty, idle pipe. */
  open(i: number, nowMs: number, oneWayMs: number, windowBytes: number): void {
    this.ensure(i);
    this.set(i, C.txDoneMs, nowMs);
    this.set(i, C.consumedMs, nowMs);
    this.set(i, C.slowSince, NaN);
    this.set(i, C.latencyMs, oneWayMs);
    this.set(i, C.windowBytes, windowBytes);
  }

  /** Pops the messages consumed by `nowMs`, oldest first; the path takes more from the server's queue. */
  settle(i: number, nowMs: number, softLimitBytes: number, delivered: DeliveredFn): void {
    let e = this.get(i, C.head);
    if (e < 0 || this.e(e, E.doneAtMs) > nowMs) return;
    const ent = this.ent;
    while (e >= 0) {
      const o = e * ENTRY_STRIDE;
      const done = ent[o + E.doneAtMs] as number;
      if (done > nowMs) break;
      delivered(i, ent[o + E.channel] as number, ent[o + E.serial] as number, ent[o + E.publishedAtMs] as number, done, ent[o + E.replayed] === 1);
      const n = ent[o + E.next] as number;
      this.unlinkHead(i, e);
      e = n;
    }
    this.advance(i);
    if (this.get(i, C.queued) <= softLimitBytes) this.set(i, C.slowSince, NaN);
  }

  /**
   * Writes a message at `writeMs` (≤ now) and returns when the client will have consumed it
   * (Infinity when `hold`: a long-poll session keeps it until the next poll).
   */
  push(i: number, channel: number, serial: number, bytes: number, publishedAtMs: number, writeMs: number, replayed: boolean, hold: boolean): number {
    const e = this.alloc();
    const o = e * ENTRY_STRIDE;
    const ent = this.ent;
    const done = hold ? Infinity : this.pace(i, writeMs, bytes);
    ent[o + E.channel] = channel;
    ent[o + E.serial] = serial;
    ent[o + E.bytes] = bytes;
    ent[o + E.publishedAtMs] = publishedAtMs;
    ent[o + E.replayed] = replayed ? 1 : 0;
    ent[o + E.doneAtMs] = done;
    ent[o + E.next] = -1;
    const c = i * CONNECTION_STRIDE;
    const conn = this.conn;
    ent[o + E.arrivedAtMs] = hold ? Infinity : (conn[c + C.txDoneMs] as number) + (conn[c + C.latencyMs] as number);
    const t = conn[c + C.tail] as number;
    if (t >= 0) ent[t * ENTRY_STRIDE + E.next] = e;
    else {
      conn[c + C.head] = e;
      this.markBusy(i);
    }
    conn[c + C.tail] = e;
    conn[c + C.count] = (conn[c + C.count] as number) + 1;
    conn[c + C.queued] = (conn[c + C.queued] as number) + bytes;
    this.totalBytes += bytes;
    if (conn[c + C.pathLast] === t) this.advance(i);
    return done;
  }

  /** Marks the connection slow from `nowMs` if it is over `softLimitBytes` and was not already. */
  markSlow(i: number, nowMs: number, softLimitBytes: number): void {
    if (this.get(i, C.queued) > softLimitBytes && Number.isNaN(this.get(i, C.slowSince))) this.set(i, C.slowSince, nowMs);
  }

  /** Removes the `count` oldest messages waiting at the server (the path's are gone from it), and re-paces the rest from `nowMs`. */
  dropOldest(i: number, count: number, nowMs: number, removed: RemovedFn): void {
    const prev = this.get(i, C.pathLast);
    let e = this.firstAtServer(i);
    for (let k = 0; k < count && e >= 0; k++) {
      const n = this.next(e);
      removed(i, this.e(e, E.channel), this.e(e, E.serial));
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
    for (let before = this.get(i, C.pathLast), e = this.firstAtServer(i); e >= 0; before = e, e = this.next(e)) {
      if (this.e(e, E.channel) !== channel) continue;
      removed(i, channel, this.e(e, E.serial));
      const delta = bytes - this.e(e, E.bytes);
      this.set(i, C.queued, this.get(i, C.queued) + delta);
      this.totalBytes += delta;
      const o = e * ENTRY_STRIDE;
      this.ent[o + E.serial] = serial;
      this.ent[o + E.bytes] = bytes;
      this.ent[o + E.publishedAtMs] = publishedAtMs;
      this.ent[o + E.replayed] = 0;
      this.repace(i, nowMs, before);
      this.advance(i);
      return true;
    }
    return false;
  }

  /** Bytes of the message of `channel` (a conflation key) waiting at the server, 0 when none. */
  queuedBytesOf(i: number, channel: number): number {
    for (let e = this.firstAtServer(i); e >= 0; e = this.next(e)) if (this.e(e, E.channel) === channel) return this.e(e, E.bytes);
    return 0;
  }

  /** Sends every held message now (a poll answered at `writeMs`); returns how many. */
  release(i: number, writeMs: number): number {
    let n = 0;
    for (let e = this.get(i, C.head); e >= 0; e = this.next(e)) {
      if (this.e(e, E.doneAtMs) !== Infinity) continue;
      this.paceEntry(i, e, writeMs, true);
      n++;
    }
    this.advance(i);
    return n;
  }

  /** Empties the queue of a closed connection: everything left is removed unconsumed. */
  discard(i: number, removed: RemovedFn): void {
    for (let e = this.get(i, C.head); e >= 0; ) {
      const n = this.next(e);
      removed(i, this.e(e, E.channel), this.e(e, E.serial));
      this.unlinkHead(i, e);
      e = n;
    }
    this.set(i, C.slowSince, NaN);
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
    return e < 0 ? NaN : this.e(e, E.publishedAtMs);
  }

  slowSinceMs(i: number): number {
    return this.get(i, C.slowSince);
  }

  private firstAtServer(i: number): number {
    const last = this.get(i, C.pathLast);
    return last < 0 ? this.get(i, C.head) : this.next(last);
  }

  /** Moves messages from the server's queue into the path while the window has room (the first always fits). */
  private advance(i: number): void {
    const conn = this.conn;
    const c = i * CONNECTION_STRIDE;
    const window = conn[c + C.windowBytes] as number;
    let e = this.firstAtServer(i);
    while (e >= 0) {
      const o = e * ENTRY_STRIDE;
      if (this.ent[o + E.doneAtMs] === Infinity) break;
      const b = this.ent[o + E.bytes] as number;
      if ((conn[c + C.pathCount] as number) > 0 && (conn[c + C.pathBytes] as number) + b > window) break;
      conn[c + C.pathBytes] = (conn[c + C.pathBytes] as number) + b;
      conn[c + C.pathCount] = (conn[c + C.pathCount] as number) + 1;
      conn[c + C.queued] = (conn[c + C.queued] as number) - b;
      conn[c + C.count] = (conn[c + C.count] as number) - 1;
      this.totalBytes -= b;
      conn[c + C.pathLast] = e;
      e = this.ent[o + E.next] as number;
    }
    if (conn[c + C.count] === 0) conn[c + C.queued] = 0;
  }

  /**
   * When a message of `bytes` written at `writeMs` is consumed, advancing the connection's two stages
   * (the path, then the client: its machine reads the frame, `charge` saying whether that costs CPU now,
   * and its application consumes it); called alone for a message that is already consumed (a cohort
   * member handed back), it queues nothing.
   */
  pace(i: number, writeMs: number, bytes: number, charge = true): number {
    const conn = this.conn;
    const c = i * CONNECTION_STRIDE;
    const sentMs = Math.max(writeMs, conn[c + C.txDoneMs] as number) + bytes * (conn[c + C.msPerByte] as number);
    conn[c + C.txDoneMs] = sentMs;
    const arrivalMs = sentMs + (conn[c + C.latencyMs] as number);
    // A frame that never arrives (a severed connection's) costs the client nothing.
    const readMs = charge && this.receive !== null && arrivalMs < NEVER_MS ? this.receive(i, arrivalMs) : arrivalMs;
    const doneMs = Math.max(readMs, conn[c + C.consumedMs] as number) + (conn[c + C.msPerMessage] as number);
    conn[c + C.consumedMs] = doneMs;
    return doneMs;
  }

  /** After a removal, the messages after entry `from` (-1: from the head) are sent again from `nowMs`, in order (held ones stay held). */
  private repace(i: number, nowMs: number, from: number): void {
    // What waits at the server starts on the wire now, behind what the path already holds.
    this.set(i, C.txDoneMs, nowMs);
    this.set(i, C.consumedMs, from < 0 ? nowMs : Math.max(nowMs, this.e(from, E.doneAtMs)));
    for (let e = from < 0 ? this.get(i, C.head) : this.next(from); e >= 0; e = this.next(e)) {
      // Sent again, not received again: the client machine's CPU for it was counted when first paced.
      if (this.e(e, E.doneAtMs) !== Infinity) this.paceEntry(i, e, nowMs, false);
    }
  }

  /** Entry e of connection i is sent from `writeMs`: its consume time, and when it reaches the client. */
  private paceEntry(i: number, e: number, writeMs: number, charge: boolean): void {
    const o = e * ENTRY_STRIDE;
    this.ent[o + E.doneAtMs] = this.pace(i, writeMs, this.ent[o + E.bytes] as number, charge);
    this.ent[o + E.arrivedAtMs] = this.get(i, C.txDoneMs) + this.get(i, C.latencyMs);
  }

  /**
   * Connection i's network is cut from `nowMs` until `untilMs` (a partition): what has not reached the
   * client by now is sent again from `untilMs`, in order (TCP retransmits it after the heal), and what is
   * written meanwhile waits behind it, in the path up to its window and at the server beyond, where
   * backpressure sees it. What has reached the client is consumed as paced. Held messages stay held.
   * `untilMs` = NEVER_MS: the connection is dead and nothing more reaches the client.
   */
  cut(i: number, nowMs: number, untilMs: number): void {
    let arrived = -1;
    for (let e = this.get(i, C.head); e >= 0 && this.e(e, E.arrivedAtMs) <= nowMs; e = this.next(e)) arrived = e;
    this.repace(i, untilMs, arrived);
  }

  /** Unlinks entry e waiting at the server, whose predecessor is `prev` (-1 for the head). */
  private unlinkAtServer(i: number, prev: number, e: number): void {
    const n = this.next(e);
    const b = this.e(e, E.bytes);
    if (prev < 0) {
      this.set(i, C.head, n);
      if (n < 0) this.markIdle(i);
    } else this.ent[prev * ENTRY_STRIDE + E.next] = n;
    if (this.get(i, C.tail) === e) this.set(i, C.tail, prev);
    const count = this.get(i, C.count) - 1;
    this.set(i, C.count, count);
    this.set(i, C.queued, count === 0 ? 0 : this.get(i, C.queued) - b);
    this.totalBytes -= b;
    this.ent[e * ENTRY_STRIDE + E.next] = this.free;
    this.free = e;
  }

  /** Unlinks the head, in the path or (with no path) at the server. */
  private unlinkHead(i: number, e: number): void {
    const conn = this.conn;
    const c = i * CONNECTION_STRIDE;
    if ((conn[c + C.pathLast] as number) < 0) {
      this.unlinkAtServer(i, -1, e);
      return;
    }
    const o = e * ENTRY_STRIDE;
    conn[c + C.pathCount] = (conn[c + C.pathCount] as number) - 1;
    conn[c + C.pathBytes] = (conn[c + C.pathBytes] as number) - (this.ent[o + E.bytes] as number);
    if (conn[c + C.pathLast] === e) {
      conn[c + C.pathLast] = -1;
      conn[c + C.pathBytes] = 0;
    }
    const n = this.ent[o + E.next] as number;
    conn[c + C.head] = n;
    if (n === -1) {
      conn[c + C.tail] = -1;
      this.markIdle(i);
    }
    this.ent[o + E.next] = this.free;
    this.free = e;
  }

  private alloc(): number {
    if (this.free >= 0) {
      const e = this.free;
      this.free = this.next(e);
      return e;
    }
    if (this.used * ENTRY_STRIDE === this.ent.length) {
      const grown = new Float64Array(this.ent.length * 2);
      grown.set(this.ent);
      this.ent = grown;
    }
    return this.used++;
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
