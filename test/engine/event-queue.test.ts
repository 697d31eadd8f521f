import { describe, expect, it } from 'vitest';
import { EventQueue, RngStreams, randomInt, type Handler, type Rng } from '../../src/engine/index.js';

const noop: Handler = () => undefined;

/** The specification: each pending slot's (time, seq); the next event is the least pair. */
class Reference {
  readonly pending = new Map<number, { timeMs: number; seq: number }>();
  private seq = 0;

  set(slot: number, timeMs: number): void {
    this.pending.set(slot, { timeMs, seq: this.seq++ });
  }

  cancel(slot: number): void {
    this.pending.delete(slot);
  }

  /** Pending slots in firing order, as `slot@time`. */
  order(): string[] {
    return [...this.pending]
      .sort(([, a], [, b]) => a.timeMs - b.timeMs || a.seq - b.seq)
      .map(([slot, e]) => `${String(slot)}@${String(e.timeMs)}`);
  }

  /** The next slot to fire, or -1. */
  first(): number {
    let best = -1;
    let bt = Infinity;
    let bs = Infinity;
    for (const [slot, e] of this.pending) {
      if (e.timeMs < bt || (e.timeMs === bt && e.seq < bs)) {
        best = slot;
        bt = e.timeMs;
        bs = e.seq;
      }
    }
    return best;
  }

  pop(): string {
    const slot = this.first();
    const e = this.pending.get(slot);
    this.pending.delete(slot);
    return `${String(slot)}@${String(e?.timeMs)}`;
  }

  peekTimeMs(): number {
    return this.pending.get(this.first())?.timeMs ?? Infinity;
  }
}

function drain(queue: EventQueue): string[] {
  const out: string[] = [];
  while (queue.size > 0) {
    const slot = queue.popSlot();
    out.push(`${String(slot)}@${String(queue.poppedTimeMs)}`);
  }
  return out;
}

/** Small integer delays, so that many events tie in time and only the sequence orders them. */
function delay(rng: Rng): number {
  return rng.next() < 0.3 ? 0 : randomInt(rng, 20);
}

/** A queue with `timers` idle reusable slots, its reference and a seeded stream. */
function setup(seed: number, timers: number): { rng: Rng; queue: EventQueue; ref: Reference; slots: number[] } {
  const queue = new EventQueue();
  const slots = Array.from({ length: timers }, () => queue.allocate(noop, 0));
  return { rng: new RngStreams(seed).stream('queue'), queue, ref: new Reference(), slots };
}

describe('EventQueue with lazy deletion', () => {
  it('pops in (time, sequence) order under random moves, cancels and pops, with exact size, timeOf and isPending, through many purges', () => {
    const { rng, queue, ref, slots } = setup(7, 3000);
    let now = 0;
    let purges = 0;
    let maxStale = 0;
    const popped: string[] = [];
    const expected: string[] = [];
    const mismatches: string[] = [];
    for (let op = 0; op < 40_000 && mismatches.length < 5; op++) {
      const r = rng.next();
      const slot = slots[randomInt(rng, slots.length)] as number;
      const before = queue.heapEntries;
      if (r < 0.6) {
        const t = now + delay(rng);
        queue.set(slot, t);
        ref.set(slot, t);
        // A set adds one entry; any drop beyond that is stale entries removed.
        if (queue.heapEntries < before) purges++;
      } else if (r < 0.8) {
        queue.cancel(slot);
        ref.cancel(slot);
        if (queue.heapEntries < before - 1) purges++;
      } else if (queue.size > 0) {
        const s = queue.popSlot();
        now = queue.poppedTimeMs;
        popped.push(`${String(s)}@${String(now)}`);
        expected.push(ref.pop());
      }
      const e = ref.pending.get(slot);
      const seen = [queue.size, queue.peekTimeMs(), queue.isPending(slot), queue.timeOf(slot)];
      const want = [ref.pending.size, ref.peekTimeMs(), e !== undefined, e?.timeMs ?? Number.NaN];
      if (seen.join() !== want.join()) mismatches.push(`op ${String(op)}: [size, peek, isPending, timeOf] ${seen.join()}, expected ${want.join()}`);
      if (queue.heapEntries > 2 * queue.size + 1025) mismatches.push(`op ${String(op)}: ${String(queue.heapEntries)} entries for ${String(queue.size)} pending`);
      maxStale = Math.max(maxStale, queue.heapEntries - queue.size);
    }
    expect(mismatches).toEqual([]);
    expect(popped).toEqual(expected);
    expect(drain(queue)).toEqual(ref.order());
    // The run is only meaningful if stale entries piled up past the purge threshold and were purged.
    expect(maxStale).toBeGreaterThan(1024);
    expect(purges).toBeGreaterThan(5);
  });

  it('keeps the order of ties through a purge: equal times pop in the order they were last set', () => {
    const { rng, queue, ref, slots } = setup(8, 5000);
    for (const slot of slots) {
      queue.set(slot, 7);
      ref.set(slot, 7);
    }
    for (let k = 0; k < 5000; k++) {
      const slot = slots[randomInt(rng, slots.length)] as number;
      const t = 7 + randomInt(rng, 2);
      queue.set(slot, t);
      ref.set(slot, t);
    }
    for (const slot of slots.slice(0, 3000)) {
      queue.cancel(slot);
      ref.cancel(slot);
    }
    // 2,000 live timers; the purge left at most as many stale entries as live ones.
    expect(queue.size).toBe(2000);
    expect(queue.heapEntries).toBeLessThanOrEqual(4000);
    expect(drain(queue)).toEqual(ref.order());
  });

  it('stays bounded in memory when pending timers are moved over and over without firing', () => {
    const { rng, queue, ref, slots } = setup(9, 10_000);
    let maxEntries = 0;
    for (let round = 0; round < 100; round++) {
      for (const slot of slots) {
        const t = rng.next() * 1000;
        queue.set(slot, t);
        ref.set(slot, t);
      }
      maxEntries = Math.max(maxEntries, queue.heapEntries);
    }
    // 1,000,000 sets of 10,000 timers: the heap never holds more than twice the live entries (plus the purge threshold).
    expect(queue.size).toBe(10_000);
    expect(maxEntries).toBeLessThanOrEqual(2 * 10_000 + 1025);
    expect(drain(queue)).toEqual(ref.order());
    expect(queue.peekTimeMs()).toBe(Infinity);
  });

  it('empties when every pending timer is cancelled, and a stale entry never fires for a reused slot', () => {
    const queue = new EventQueue();
    const slots = Array.from({ length: 4000 }, (_, k) => {
      const slot = queue.allocate(noop, k);
      queue.set(slot, 100 - (k % 50));
      return slot;
    });
    for (const slot of slots) queue.release(slot);
    expect(queue.size).toBe(0);
    expect(queue.peekTimeMs()).toBe(Infinity);
    expect(queue.heapEntries).toBeLessThanOrEqual(1024);
    // The released slots come back with fresh records; their old entries, if still held, stay stale.
    const again = queue.allocate(noop, 1);
    expect(slots).toContain(again);
    expect(queue.isPending(again)).toBe(false);
    queue.set(again, 500);
    expect(drain(queue)).toEqual([`${String(again)}@500`]);
  });
});

describe('EventQueue handler table', () => {
  it('calls each event its own handler while thousands of one-off closures come and go, and forgets the unused ones', () => {
    const queue = new EventQueue();
    const calls: string[] = [];
    const expected: string[] = [];
    const named = (name: string): Handler => (arg) => calls.push(`${name}:${String(arg)}`);
    const steady = named('steady');
    const kept = queue.allocate(steady, -1);
    queue.set(kept, 1e9);
    let maxKnown = 0;
    for (let k = 0; k < 5000; k++) {
      // A fresh closure per event, as faults schedule them, next to a shared handler.
      queue.push(named(`once${String(k)}`), k, k);
      queue.push(steady, k, k + 0.5);
      expected.push(`once${String(k)}:${String(k)}`, `steady:${String(k)}`);
      for (let i = 0; i < 2; i++) {
        expect(queue.popSlot()).toBe(-1);
        (queue.poppedHandler as Handler)(queue.poppedArg);
      }
      maxKnown = Math.max(maxKnown, queue.handlersKnown);
    }
    expect(calls).toEqual(expected);
    // The table keeps the handlers in use and at most about 64 forgotten ones, not 5,000.
    expect(maxKnown).toBeLessThanOrEqual(2 + 65);
    expect(queue.handlerOf(kept)).toBe(steady);
    expect(queue.size).toBe(1);
  });
});
