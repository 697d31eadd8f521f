import { RngStreams, randomInt } from '../../src/engine/rng.js';
import { instantiate } from '../../src/strategies/types.js';
import {
  backpressures,
  type Backpressure,
  type BackpressureDecision,
  type OutgoingMessage,
  type SendQueueView,
} from '../../src/strategies/backpressure/index.js';

export type Options = Readonly<Record<string, unknown>>;

/** A registered policy, by name. */
export function createBackpressure(name: string, options: Options = {}): Backpressure {
  return instantiate(backpressures, { name, options }, 'backpressure');
}

/** What became of one message sent; every message ends in exactly one. */
export type Outcome = 'delivered' | 'dropped' | 'superseded' | 'discarded' | 'queued';

interface Queued {
  readonly id: number;
  readonly key: string | null;
  readonly bytes: number;
  readonly atMs: number;
}

/** A FIFO send queue as an adapter keeps it: applies decisions, tracks slowness against the policy's soft limit. */
export class SendQueue implements SendQueueView {
  readonly items: Queued[] = [];
  queuedBytes = 0;
  slowSinceMs = Number.NaN;

  constructor(private readonly softLimitBytes: number) {}

  get queuedMessages(): number {
    return this.items.length;
  }

  get oldestQueuedAtMs(): number {
    return this.items[0]?.atMs ?? Number.NaN;
  }

  queuedBytesOf(key: string): number {
    return this.items.find((q) => q.key === key)?.bytes ?? 0;
  }

  push(item: Queued, nowMs: number): void {
    this.items.push(item);
    this.resize(item.bytes, nowMs);
  }

  shift(nowMs: number): Queued {
    const head = this.items.shift();
    if (head === undefined) throw new Error('shift from an empty queue');
    this.resize(-head.bytes, nowMs);
    return head;
  }

  /** Replaces the queued message with `item.key` in its place, returning the one replaced, or enqueues it and returns null. */
  conflate(item: Queued, nowMs: number): Queued | null {
    const at = this.items.findIndex((q) => q.key === item.key);
    const old = this.items[at];
    if (old === undefined) {
      this.push(item, nowMs);
      return null;
    }
    this.items[at] = { ...item, atMs: old.atMs };
    this.resize(item.bytes - old.bytes, nowMs);
    return old;
  }

  private resize(deltaBytes: number, nowMs: number): void {
    this.queuedBytes += deltaBytes;
    if (this.queuedBytes <= this.softLimitBytes) this.slowSinceMs = Number.NaN;
    else if (Number.isNaN(this.slowSinceMs)) this.slowSinceMs = nowMs;
  }
}

/** Traffic for one run: messages per ms, sizes, keys, and the consumer's drain rate. */
export interface Workload {
  readonly durationMs: number;
  /** Messages sent each ms: uniform in [0, maxPerMs]. */
  readonly maxPerMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  /** Keys are k0…k(keys−1); a message is unkeyed with probability unkeyedShare. */
  readonly keys: number;
  readonly unkeyedShare: number;
  /** When true, a key's messages always have the same size (so a replacement never grows the queue). */
  readonly sizePerKey: boolean;
  readonly drainBytesPerMs: number;
}

/** An overloaded consumer: about 290 B/ms offered, 150 B/ms drained (conflation and deltas can make that fit). */
export const overload: Workload = {
  durationMs: 10_000,
  maxPerMs: 2,
  minBytes: 64,
  maxBytes: 512,
  keys: 20,
  unkeyedShare: 0.2,
  sizePerKey: false,
  drainBytesPerMs: 150,
};

/** A consumer far behind: about 860 B/ms offered, 100 B/ms drained; unkeyed messages alone overload it. */
export const flood: Workload = { ...overload, durationMs: 4000, maxPerMs: 6, drainBytesPerMs: 100 };

/** A consumer that keeps up on average, with bursts. */
export const bursty: Workload = { ...overload, durationMs: 4000, maxPerMs: 6, drainBytesPerMs: 1000 };

export interface SentMessage extends OutgoingMessage {
  readonly id: number;
  readonly atMs: number;
}

export interface Step {
  readonly message: SentMessage;
  readonly decision: BackpressureDecision;
  /** The queue just before the decision. */
  readonly queuedBytes: number;
  readonly queuedMessages: number;
  readonly slowSinceMs: number;
}

export interface Run {
  readonly steps: Step[];
  readonly outcomes: Map<number, Outcome>;
  /** The most bytes ever queued, after any decision. */
  readonly maxQueuedBytes: number;
  readonly disconnectedAtMs: number | null;
  readonly sent: number;
  /** What the `check` passed to `simulate` threw, after each decision. */
  readonly violations: string[];
}

/** Throws unless `d` is a well-formed decision for `message` on `queue`. */
export function checkDecision(d: BackpressureDecision, message: OutgoingMessage, queue: SendQueueView): void {
  const bad = (why: string): never => {
    throw new Error(`${why}: ${JSON.stringify(d)} for ${JSON.stringify(message)}`);
  };
  switch (d.kind) {
    case 'enqueue':
      if (!Number.isInteger(d.bytes) || d.bytes < 0 || d.bytes > message.bytes) bad('enqueue bytes not an integer in [0, message bytes]');
      return;
    case 'drop-oldest':
      if (!Number.isInteger(d.count) || d.count < 1 || d.count > queue.queuedMessages) bad('drop-oldest count not in [1, queuedMessages]');
      return;
    case 'conflate':
      if (message.key === null) bad('conflate without a key');
      return;
    case 'disconnect':
      if (!Number.isInteger(d.code) || d.code < 3000 || d.code > 4999) bad('close code not in 3000–4999');
      if (!/^[a-z][a-z -]*$/.test(d.reason) || Buffer.byteLength(d.reason) > 123) bad('reason not short lowercase text');
      return;
    case 'drop-newest':
      return;
  }
}

/**
 * Sends `workload` through a fresh policy and a FIFO, 1 ms per tick: first the consumer drains whole
 * messages at its rate, then this tick's messages are sent. Stops at a disconnect.
 */
export function simulate(
  name: string,
  options: Options,
  workload: Workload,
  seed: number,
  check?: (queue: SendQueue, latest: ReadonlyMap<string, number>) => void,
  policy: Backpressure = createBackpressure(name, options),
): Run {
  const streams = new RngStreams(seed);
  const traffic = streams.stream('traffic');
  const rng = streams.stream('backpressure');
  const queue = new SendQueue(policy.softLimitBytes);
  const outcomes = new Map<number, Outcome>();
  const settle = (id: number, outcome: Outcome): void => {
    const was = outcomes.get(id);
    if (was !== undefined) throw new Error(`message ${id} was ${was}, now ${outcome}`);
    outcomes.set(id, outcome);
  };
  const keySize = new Map<string, number>();
  const latest = new Map<string, number>();
  const steps: Step[] = [];
  const violations: string[] = [];
  let maxQueuedBytes = 0;
  let creditBytes = 0;
  let nextId = 0;
  for (let nowMs = 0; nowMs < workload.durationMs; nowMs++) {
    creditBytes += workload.drainBytesPerMs;
    for (let head = queue.items[0]; head !== undefined && head.bytes <= creditBytes; head = queue.items[0]) {
      creditBytes -= head.bytes;
      settle(queue.shift(nowMs).id, 'delivered');
    }
    if (queue.items.length === 0) creditBytes = 0;
    const count = randomInt(traffic, workload.maxPerMs + 1);
    for (let k = 0; k < count; k++) {
      const key = traffic.next() < workload.unkeyedShare ? null : `k${randomInt(traffic, workload.keys)}`;
      let bytes = workload.minBytes + randomInt(traffic, workload.maxBytes - workload.minBytes + 1);
      if (workload.sizePerKey && key !== null) {
        bytes = keySize.get(key) ?? bytes;
        keySize.set(key, bytes);
      }
      const message: SentMessage = { id: nextId++, key, bytes, atMs: nowMs };
      if (key !== null) latest.set(key, message.id);
      const before = { queuedBytes: queue.queuedBytes, queuedMessages: queue.queuedMessages, slowSinceMs: queue.slowSinceMs };
      const decision = policy.onSend({ bytes, key }, queue, nowMs, rng);
      checkDecision(decision, message, queue);
      steps.push({ message, decision, ...before });
      const item = { id: message.id, key, bytes, atMs: nowMs };
      switch (decision.kind) {
        case 'enqueue':
          queue.push({ ...item, bytes: decision.bytes }, nowMs);
          break;
        case 'drop-newest':
          settle(message.id, 'dropped');
          break;
        case 'drop-oldest':
          for (let i = 0; i < decision.count; i++) settle(queue.shift(nowMs).id, 'dropped');
          queue.push(item, nowMs);
          break;
        case 'conflate': {
          const old = queue.conflate(item, nowMs);
          if (old !== null) settle(old.id, 'superseded');
          break;
        }
        case 'disconnect':
          settle(message.id, 'discarded');
          for (const q of queue.items) settle(q.id, 'discarded');
          return { steps, outcomes, maxQueuedBytes, disconnectedAtMs: nowMs, sent: nextId, violations };
      }
      maxQueuedBytes = Math.max(maxQueuedBytes, queue.queuedBytes);
      if (check !== undefined) {
        try {
          check(queue, latest);
        } catch (error) {
          violations.push(`at ${nowMs} ms: ${(error as Error).message}`);
        }
      }
    }
  }
  for (const q of queue.items) settle(q.id, 'queued');
  return { steps, outcomes, maxQueuedBytes, disconnectedAtMs: null, sent: nextId, violations };
}

/** A queue view with fixed numbers, for single decisions. */
export function view(patch: Partial<Omit<SendQueueView, 'queuedBytesOf'>> = {}, keyedBytes: Readonly<Record<string, number>> = {}): SendQueueView {
  return {
    queuedBytes: 0,
    queuedMessages: 0,
    oldestQueuedAtMs: Number.NaN,
    slowSinceMs: Number.NaN,
    ...patch,
    queuedBytesOf: (key) => keyedBytes[key] ?? 0,
  };
}
