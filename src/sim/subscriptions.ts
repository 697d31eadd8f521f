import { growColumns } from './columns.js';

function makeColumns(n: number) {
  return {
    channel: new Int32Array(n),
    /** The server process (server × 256 + process) the slot is subscribed on, or -1. */
    target: new Int32Array(n).fill(-1),
    next: new Int32Array(n).fill(-1),
    prev: new Int32Array(n).fill(-1),
    /** Serials dropped by the backpressure policy and not yet explained by a later serial. */
    dropsPending: new Int32Array(n),
    startSerial: new Float64Array(n),
    endSerial: new Float64Array(n),
    finished: new Uint8Array(n),
    /** Serials lost by the end of the run without reaching the receiver (disconnected or given up then). */
    lostAtEnd: new Float64Array(n),
    /** Skips at the receiver explained by the policy's drops. */
    droppedFinal: new Float64Array(n),
  };
}

const FILL = { target: -1, next: -1, prev: -1 };

/**
 * Subscriptions: each client has `perClient` slots (slot = client × perClient + k), each on one channel.
 * An open connection's slots are linked into one list per (server process, channel), so a fan-out walks
 * exactly the local subscribers and a close unlinks them in O(1).
 */
export class Subscriptions {
  c = makeColumns(1024);
  private readonly heads = new Map<number, number>();
  private readonly tails = new Map<number, number>();
  private readonly counts = new Map<number, number>();

  constructor(
    readonly perClient: number,
    readonly channels: number,
  ) {}

  slot(i: number, k: number): number {
    return i * this.perClient + k;
  }

  clientOf(slot: number): number {
    return Math.floor(slot / this.perClient);
  }

  channelOf(slot: number): number {
    return this.c.channel[slot] as number;
  }

  setChannel(i: number, k: number, channel: number): void {
    const slot = this.slot(i, k);
    if (slot >= this.c.channel.length) this.c = growColumns(this.c, Math.max(slot + 1, this.c.channel.length * 2), FILL);
    this.c.channel[slot] = channel;
  }

  /** Client i's slot on `channel` among its first `slots` slots, or -1. */
  slotOf(i: number, channel: number, slots = this.perClient): number {
    for (let k = 0; k < slots; k++) {
      const slot = i * this.perClient + k;
      if (this.c.channel[slot] === channel) return slot;
    }
    return -1;
  }

  /** The list of `channel`'s subscribers on a server process, as one number. */
  key(target: number, channel: number): number {
    return target * this.channels + channel;
  }

  /** The newest and the oldest slot of a list (-1 when empty); `c.next` leads from newer to older, `c.prev` back. */
  newest(key: number): number {
    return this.heads.get(key) ?? -1;
  }

  oldest(key: number): number {
    return this.tails.get(key) ?? -1;
  }

  /** Local subscribers of `channel` on a server process. */
  count(target: number, channel: number): number {
    return this.counts.get(target * this.channels + channel) ?? 0;
  }

  /** The slots subscribed to `channel` on a server process, newest first. */
  list(target: number, channel: number): number[] {
    const out: number[] = [];
    for (let s = this.heads.get(target * this.channels + channel) ?? -1; s >= 0; s = this.c.next[s] as number) out.push(s);
    return out;
  }

  subscribe(slot: number, target: number): void {
    const c = this.c;
    const key = target * this.channels + (c.channel[slot] as number);
    const head = this.heads.get(key) ?? -1;
    c.target[slot] = target;
    c.prev[slot] = -1;
    c.next[slot] = head;
    if (head >= 0) c.prev[head] = slot;
    else this.tails.set(key, slot);
    this.heads.set(key, slot);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  unsubscribe(slot: number): void {
    const c = this.c;
    const target = c.target[slot] as number;
    if (target < 0) return;
    const key = target * this.channels + (c.channel[slot] as number);
    const p = c.prev[slot] as number;
    const n = c.next[slot] as number;
    if (p >= 0) c.next[p] = n;
    else if (n >= 0) this.heads.set(key, n);
    else this.heads.delete(key);
    if (n >= 0) c.prev[n] = p;
    else if (p >= 0) this.tails.set(key, p);
    else this.tails.delete(key);
    const left = (this.counts.get(key) ?? 1) - 1;
    if (left === 0) this.counts.delete(key);
    else this.counts.set(key, left);
    c.target[slot] = -1;
    c.next[slot] = -1;
    c.prev[slot] = -1;
  }
}
