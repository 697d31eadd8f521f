import type { ResumeDecision } from './types.js';

/**
 * How a received message was taken: the next serial ('delivered'); one at or below the last serial,
 * dropped ('duplicate'); or one past a hole, taken with the skipped serials counted lost ('out-of-order').
 */
export type Delivery = 'delivered' | 'duplicate' | 'out-of-order';

export interface ReceiverCounts {
  /** Distinct serials handed to the application (out-of-order ones included). */
  readonly delivered: number;
  /** Messages dropped because their serial was at or below the last serial. */
  readonly duplicates: number;
  /** Messages that arrived past a hole. */
  readonly outOfOrder: number;
  /** Serials never delivered: resume gaps, fresh starts, and holes skipped by out-of-order messages. */
  readonly lost: number;
}

/**
 * A client's view of one channel: dedups by serial, keeping only the last serial, so delivery is exactly once
 * and in order when history covers every outage. Every serial up to `lastSerial` is exactly one of delivered
 * or lost (after the first subscription's start point); those after it are still in flight.
 */
export class ChannelReceiver {
  #last: number | null = null;
  /** Serials at or below this were published before the first subscription: neither delivered nor lost. */
  #start = 0;
  #delivered = 0;
  #duplicates = 0;
  #outOfOrder = 0;
  #lost = 0;

  /** The last serial received or skipped, the one to resume after; null before the first subscription. */
  get lastSerial(): number | null {
    return this.#last;
  }

  /** The serials before the first subscription, which this receiver was never meant to get. */
  get startSerial(): number {
    return this.#start;
  }

  get counts(): ReceiverCounts {
    return { delivered: this.#delivered, duplicates: this.#duplicates, outOfOrder: this.#outOfOrder, lost: this.#lost };
  }

  /**
   * Applies a subscribe or reconnect decision: counts its lost serials and expects `fromSerial` next.
   * Throws a TypeError when the decision does not continue from this receiver's last serial.
   */
  resume(decision: ResumeDecision): void {
    const { fromSerial, lost } = decision;
    if (this.#last === null) {
      if (lost !== 0) throw new TypeError(`Expected a first subscription to lose nothing, got lost ${lost}`);
      this.#start = fromSerial - 1;
    } else if (fromSerial !== this.#last + 1 + lost) {
      throw new TypeError(`Expected fromSerial ${this.#last + 1 + lost} (last ${this.#last} + 1 + lost ${lost}), got ${fromSerial}`);
    }
    this.#lost += lost;
    this.#last = fromSerial - 1;
  }

  /** Takes one message by serial. Before any subscription, the first message sets the start point. */
  receive(serial: number): Delivery {
    if (!(Number.isInteger(serial) && serial >= 1)) throw new TypeError(`Expected serial to be an integer ≥ 1, got ${serial}`);
    if (this.#last === null) {
      this.#start = serial - 1;
      this.#last = serial - 1;
    }
    if (serial <= this.#last) {
      this.#duplicates++;
      return 'duplicate';
    }
    const skipped = serial - this.#last - 1;
    this.#last = serial;
    this.#delivered++;
    if (skipped === 0) return 'delivered';
    this.#lost += skipped;
    this.#outOfOrder++;
    return 'out-of-order';
  }

  /**
   * Takes every serial after the last one up to `serial`, in order (a run of in-order deliveries the
   * sim's cohort fan-out wrote without a call per message); returns how many. The receiver must have
   * a last serial.
   */
  receiveThrough(serial: number): number {
    if (this.#last === null) throw new TypeError('Expected a subscribed receiver before a run of deliveries');
    const n = serial - this.#last;
    if (n <= 0) return 0;
    this.#last = serial;
    this.#delivered += n;
    return n;
  }
}

/** One receiver per channel, with totals over all of them. */
export class Receivers {
  readonly #channels = new Map<string, ChannelReceiver>();

  /** The receiver of `channel`, created on first use. */
  channel(channel: string): ChannelReceiver {
    let found = this.#channels.get(channel);
    if (found === undefined) this.#channels.set(channel, (found = new ChannelReceiver()));
    return found;
  }

  get totals(): ReceiverCounts {
    const totals = { delivered: 0, duplicates: 0, outOfOrder: 0, lost: 0 };
    for (const receiver of this.#channels.values()) {
      const c = receiver.counts;
      totals.delivered += c.delivered;
      totals.duplicates += c.duplicates;
      totals.outOfOrder += c.outOfOrder;
      totals.lost += c.lost;
    }
    return totals;
  }
}
