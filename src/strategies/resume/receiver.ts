import type { ResumeDecision } from './types.js';

/**
 * How a received message was taken: the next serial ('delivered'); one past a hole, taken with the skipped
 * serials counted lost ('out-of-order'); one of those skipped serials arriving after all, taken and no longer
 * lost ('late': a replay overtaken by live messages); or one at or below the last serial that is not in a
 * hole, dropped ('duplicate').
 */
export type Delivery = 'delivered' | 'duplicate' | 'out-of-order' | 'late';

/** Holes a receiver remembers, newest kept; serials in an older one stay lost if they arrive (as duplicates). */
const MAX_HOLES = 4;

export interface ReceiverCounts {
  /** Distinct serials handed to the application (out-of-order ones included). */
  readonly delivered: number;
  /** Messages dropped because their serial was at or below the last serial. */
  readonly duplicates: number;
  /** Messages taken out of serial order: past a hole, and late into one (received after a later serial). */
  readonly outOfOrder: number;
  /** Serials never delivered: resume gaps, fresh starts, and holes skipped by out-of-order messages and not filled late. */
  readonly lost: number;
}

/**
 * A client's view of one channel: dedups by serial, keeping the last serial and the few latest holes below it,
 * so delivery is exactly once, and in order when history covers every outage and the server buffers live messages
 * during a replay. Every serial up to `lastSerial` is exactly one of delivered or lost (after the first
 * subscription's start point); those after it are still in flight. A serial skipped by an out-of-order message
 * counts lost until it arrives late (a replay written after live messages), then delivered.
 */
export class ChannelReceiver {
  #last: number | null = null;
  /** Serials at or below this were published before the first subscription: neither delivered nor lost. */
  #start = 0;
  #delivered = 0;
  #duplicates = 0;
  #outOfOrder = 0;
  #lost = 0;
  /** Holes of the current connection, [from, to] pairs flat, oldest first; null when none. */
  #holes: number[] | null = null;

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
    // A new connection: what the previous one skipped will not come on it.
    this.#holes = null;
  }

  /** Takes one message by serial. Before any subscription, the first message sets the start point. */
  receive(serial: number): Delivery {
    if (!(Number.isInteger(serial) && serial >= 1)) throw new TypeError(`Expected serial to be an integer ≥ 1, got ${serial}`);
    if (this.#last === null) {
      this.#start = serial - 1;
      this.#last = serial - 1;
    }
    if (serial <= this.#last) {
      if (this.#holes !== null && this.#fill(serial)) {
        this.#delivered++;
        this.#outOfOrder++;
        this.#lost--;
        return 'late';
      }
      this.#duplicates++;
      return 'duplicate';
    }
    const skipped = serial - this.#last - 1;
    const from = this.#last + 1;
    this.#last = serial;
    this.#delivered++;
    if (skipped === 0) return 'delivered';
    this.#lost += skipped;
    this.#outOfOrder++;
    const holes = (this.#holes ??= []);
    if (holes.length === 2 * MAX_HOLES) holes.splice(0, 2);
    holes.push(from, serial - 1);
    return 'out-of-order';
  }

  /** Takes `serial` out of the hole holding it, if one does. */
  #fill(serial: number): boolean {
    const holes = this.#holes as number[];
    for (let k = 0; k < holes.length; k += 2) {
      const from = holes[k] as number;
      const to = holes[k + 1] as number;
      if (serial < from || serial > to) continue;
      if (from === to) holes.splice(k, 2);
      else if (serial === from) holes[k] = from + 1;
      else if (serial === to) holes[k + 1] = to - 1;
      else holes.splice(k, 2, from, serial - 1, serial + 1, to);
      if (holes.length > 2 * MAX_HOLES) holes.splice(0, 2);
      if (holes.length === 0) this.#holes = null;
      return true;
    }
    return false;
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
