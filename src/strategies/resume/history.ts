/** What a reconnecting client's serial finds in a channel's history. */
export type HistorySince =
  /** Every message after the serial is still held: these serials, oldest first (empty when nothing was missed). */
  | { readonly kind: 'replay'; readonly serials: number[] }
  /**
   * Some message after the serial has been evicted (by size or age). `firstAvailable` is the oldest serial
   * still held, or null when the history holds nothing.
   */
  | { readonly kind: 'gap'; readonly firstAvailable: number | null };

/** The read side of a channel history, as a resume strategy sees it. */
export interface HistoryView {
  /** The serial of the last message published on the channel; 0 before the first. */
  readonly latestSerial: number;
  /**
   * The messages after `serial` (a serial the client last received, 0 for "from the start"), or a gap.
   * Advances eviction by age to `nowMs`. Throws a TypeError for a serial that is not an integer in [0, latestSerial].
   */
  since(serial: number, nowMs: number): HistorySince;
}

export interface HistoryOptions {
  /** Messages held at most; Infinity for no cap (Centrifugo history_size). Integer ≥ 0. */
  readonly maxMessages: number;
  /** A message is evicted once nowMs − publishedAtMs ≥ ttlMs; Infinity for never (Centrifugo history_ttl). > 0. */
  readonly ttlMs: number;
}

const initialCapacity = 16;

/**
 * One channel's history: publish assigns serials 1, 2, 3…; the last `maxMessages` published within `ttlMs` are held.
 * Stored as a ring of publish times and sizes (serials are implicit: the oldest held is latestSerial − size + 1),
 * grown by doubling up to `maxMessages`. Time must not go backwards across calls.
 */
export class ChannelHistory implements HistoryView {
  readonly maxMessages: number;
  readonly ttlMs: number;
  #times: Float64Array;
  #bytes: Float64Array;
  /** Ring index of the oldest held message. */
  #head = 0;
  #size = 0;
  #latest = 0;
  #retainedBytes = 0;
  #nowMs = -Infinity;

  constructor(options: HistoryOptions) {
    const { maxMessages, ttlMs } = options;
    if (!(maxMessages === Infinity || (Number.isInteger(maxMessages) && maxMessages >= 0))) {
      throw new TypeError(`Expected maxMessages to be an integer ≥ 0 or Infinity, got ${maxMessages}`);
    }
    if (!(ttlMs > 0)) throw new TypeError(`Expected ttlMs > 0 (or Infinity), got ${ttlMs}`);
    this.maxMessages = maxMessages;
    this.ttlMs = ttlMs;
    const capacity = Math.min(initialCapacity, maxMessages);
    this.#times = new Float64Array(capacity);
    this.#bytes = new Float64Array(capacity);
  }

  get latestSerial(): number {
    return this.#latest;
  }

  /** Messages held, as of the last call that advanced time. */
  get size(): number {
    return this.#size;
  }

  /** Sum of the sizes of the messages held, as of the last call that advanced time. */
  get retainedBytes(): number {
    return this.#retainedBytes;
  }

  /** The oldest serial held at `nowMs`, or null when nothing is held. */
  firstAvailable(nowMs: number): number | null {
    this.#advance(nowMs);
    return this.#size === 0 ? null : this.#latest - this.#size + 1;
  }

  /** Appends a message of `bytes` at `nowMs` and returns its serial. */
  publish(nowMs: number, bytes: number): number {
    if (!(Number.isFinite(bytes) && bytes >= 0)) throw new TypeError(`Expected bytes to be finite and ≥ 0, got ${bytes}`);
    this.#advance(nowMs);
    const serial = ++this.#latest;
    if (this.maxMessages === 0) return serial;
    if (this.#size === this.maxMessages) this.#evictOldest();
    if (this.#size === this.#times.length) this.#grow();
    const at = (this.#head + this.#size) % this.#times.length;
    this.#times[at] = nowMs;
    this.#bytes[at] = bytes;
    this.#size++;
    this.#retainedBytes += bytes;
    return serial;
  }

  /**
   * Drops every held message at `nowMs` (the broker holding the history restarted without persistence);
   * serials go on from latestSerial, so a client whose last serial is older finds a gap.
   */
  clear(nowMs: number): void {
    this.#advance(nowMs);
    this.#head = 0;
    this.#size = 0;
    this.#retainedBytes = 0;
  }

  since(serial: number, nowMs: number): HistorySince {
    if (!(Number.isInteger(serial) && serial >= 0 && serial <= this.#latest)) {
      throw new TypeError(`Expected serial to be an integer in [0, ${this.#latest}], got ${serial}`);
    }
    this.#advance(nowMs);
    if (serial === this.#latest) return { kind: 'replay', serials: [] };
    const first = this.#size === 0 ? null : this.#latest - this.#size + 1;
    if (first === null || first > serial + 1) return { kind: 'gap', firstAvailable: first };
    const serials = new Array<number>(this.#latest - serial);
    for (let i = 0; i < serials.length; i++) serials[i] = serial + 1 + i;
    return { kind: 'replay', serials };
  }

  /** When `serial` was published, if it is still held at `nowMs`; null otherwise. */
  publishedAtMs(serial: number, nowMs: number): number | null {
    this.#advance(nowMs);
    const offset = serial - (this.#latest - this.#size + 1);
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.#size) return null;
    return this.#times[(this.#head + offset) % this.#times.length] as number;
  }

  /** The size of `serial`, if it is still held at `nowMs`; null otherwise. */
  bytesOf(serial: number, nowMs: number): number | null {
    this.#advance(nowMs);
    const offset = serial - (this.#latest - this.#size + 1);
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.#size) return null;
    return this.#bytes[(this.#head + offset) % this.#bytes.length] as number;
  }

  #advance(nowMs: number): void {
    if (!Number.isFinite(nowMs)) throw new TypeError(`Expected nowMs to be finite, got ${nowMs}`);
    if (nowMs < this.#nowMs) throw new TypeError(`Expected time not to go backwards: ${nowMs} < ${this.#nowMs}`);
    this.#nowMs = nowMs;
    while (this.#size > 0 && nowMs - (this.#times[this.#head] as number) >= this.ttlMs) this.#evictOldest();
  }

  #evictOldest(): void {
    this.#retainedBytes -= this.#bytes[this.#head] as number;
    this.#head = (this.#head + 1) % this.#times.length;
    this.#size--;
    if (this.#size === 0) this.#retainedBytes = 0;
  }

  #grow(): void {
    const capacity = Math.min(this.#times.length * 2, this.maxMessages);
    const times = new Float64Array(capacity);
    const bytes = new Float64Array(capacity);
    for (let i = 0; i < this.#size; i++) {
      const from = (this.#head + i) % this.#times.length;
      times[i] = this.#times[from] as number;
      bytes[i] = this.#bytes[from] as number;
    }
    this.#times = times;
    this.#bytes = bytes;
    this.#head = 0;
  }
}
