import type { Backpressure, Rng, SendQueueView } from '../strategies/index.js';

/** Bytes ws may hold in its own buffer before the outbox waits: Node 20's socket high-water mark. */
const SOCKET_HIGH_WATER_BYTES = 16 * 1024;

/** What a connection's messages are written to: a ws WebSocket, or a long-polling session (src/real/polling-session.ts). */
export interface MessageSink {
  readonly bufferedAmount: number;
  readonly readyState: number;
  readonly OPEN: number;
  send(data: string | Buffer, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}

interface Queued {
  serial: number;
  bytes: number;
  key: string;
  atMs: number;
}

/**
 * One connection's send queue on a real server: the backpressure strategy decides each message from a view
 * of this queue plus ws `bufferedAmount`; messages move to ws while its buffer is under 16 KiB.
 */
export class Outbox implements SendQueueView {
  private readonly queue: Queued[] = [];
  private queueBytes = 0;
  slowSinceMs = Number.NaN;

  constructor(
    private readonly ws: MessageSink,
    private readonly policy: Backpressure,
    private readonly nowMs: () => number,
    private readonly rng: Rng,
    private readonly onDisconnect: (code: number, reason: string) => void,
    private readonly counts: { messagesSent: number; messagesDropped: number },
  ) {}

  get queuedBytes(): number {
    return this.queueBytes + this.ws.bufferedAmount;
  }

  get queuedMessages(): number {
    return this.queue.length;
  }

  get oldestQueuedAtMs(): number {
    return this.queue[0]?.atMs ?? Number.NaN;
  }

  queuedBytesOf(key: string): number {
    return this.queue.find((q) => q.key === key)?.bytes ?? 0;
  }

  /** Offers one message to the policy, then moves what fits to the socket. */
  send(serial: number, bytes: number, key: string): void {
    const now = this.nowMs();
    const decision = this.policy.onSend({ bytes, key }, this, now, this.rng);
    if (decision.kind === 'enqueue') this.push({ serial, bytes: decision.bytes, key, atMs: now });
    else if (decision.kind === 'drop-newest') this.counts.messagesDropped++;
    else if (decision.kind === 'drop-oldest') {
      for (const q of this.queue.splice(0, decision.count)) this.queueBytes -= q.bytes;
      this.counts.messagesDropped += decision.count;
      this.push({ serial, bytes, key, atMs: now });
    } else if (decision.kind === 'conflate') {
      const k = this.queue.findIndex((q) => q.key === key);
      if (k >= 0) {
        this.queueBytes -= (this.queue[k] as Queued).bytes;
        this.queue.splice(k, 1);
        this.counts.messagesDropped++;
      }
      this.push({ serial, bytes, key, atMs: now });
    } else {
      this.onDisconnect(decision.code, decision.reason);
      return;
    }
    this.pump();
  }

  private push(q: Queued): void {
    this.queue.push(q);
    this.queueBytes += q.bytes;
  }

  /** Writes queued messages while ws's buffer is under the high-water mark; the write callback pumps again. */
  readonly pump = (): void => {
    while (this.queue.length > 0 && this.ws.bufferedAmount < SOCKET_HIGH_WATER_BYTES && this.ws.readyState === this.ws.OPEN) {
      const q = this.queue.shift() as Queued;
      this.queueBytes -= q.bytes;
      this.counts.messagesSent++;
      this.ws.send(payload(q.serial, q.bytes, q.key), this.written);
    }
    const slow = this.queuedBytes > this.policy.softLimitBytes;
    if (slow && Number.isNaN(this.slowSinceMs)) this.slowSinceMs = this.nowMs();
    else if (!slow) this.slowSinceMs = Number.NaN;
  };

  private readonly written = (): void => {
    if (this.queue.length > 0) setImmediate(this.pump);
  };
}

/** A message body of `bytes` bytes that starts with its serial and channel: `serial:channel:` then filler. */
export function payload(serial: number, bytes: number, channel: string): string {
  const head = `${String(serial)}:${channel}:`;
  return head.length >= bytes ? head : head + 'x'.repeat(bytes - head.length);
}
