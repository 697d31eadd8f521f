import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import { backpressures, type BackpressureName } from '../../src/strategies/backpressure/index.js';
import { backpressureExpectations } from './backpressure-expectations.js';
import { bursty, createBackpressure, flood, overload, simulate, view, type Options, type Outcome, type Run, type Workload } from './backpressure-queue.js';

const names = Object.keys(backpressures) as BackpressureName[];
const workloads: readonly [string, Workload][] = [
  ['overload', overload],
  ['bursty', bursty],
  ['flood', flood],
  ['keyed, one size per key', { ...overload, unkeyedShare: 0, sizePerKey: true }],
];
const rng = new RngStreams(0).stream('unused');

function tally(run: Run): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { delivered: 0, dropped: 0, superseded: 0, discarded: 0, queued: 0 };
  for (const outcome of run.outcomes.values()) counts[outcome]++;
  return counts;
}

describe.each(names)('backpressure %s', (name) => {
  const expected = backpressureExpectations[name];
  const optionSets: readonly Options[] = [{}, ...expected.variants];
  const parsed = (options: Options): Options => backpressures[name].options.parse(options) as Options;

  it('can be named bare, reports its name and a soft limit, and rejects unknown options', () => {
    const policy = createBackpressure(name);
    expect(policy.name).toBe(name);
    expect(policy.softLimitBytes).toBeGreaterThan(0);
    expect(backpressures[name].options.safeParse({ bogus: 1 }).success).toBe(false);
    expect(backpressures[name].doc).toMatch(/^[^\n]{10,120}$/);
    for (const options of expected.variants) expect(backpressures[name].options.safeParse(options).success, JSON.stringify(options)).toBe(true);
  });

  describe.each(optionSets)('options %o', (options) => {
    const limitBytes = expected.limitBytes(parsed(options));
    const overflow = expected.overflow(parsed(options));

    it('is shareable exactly when it keeps no per-connection state: an instance that served one connection decides for the next as a fresh one', () => {
      const shared = createBackpressure(name, options);
      expect(shared.shareable === true, 'declares shareable').toBe(name !== 'delta');
      if (shared.shareable !== true) return;
      for (const [, workload] of workloads) {
        simulate(name, options, workload, 1, undefined, shared);
        expect(simulate(name, options, workload, 2, undefined, shared).outcomes).toEqual(simulate(name, options, workload, 2).outcomes);
      }
    });

    it('passes a message on an empty queue whole and unchanged exactly when it says so', () => {
      const policy = createBackpressure(name, options);
      // Delta keeps the keys it has sent, so a message changes it: it must not claim to pass unchanged.
      expect(policy.passesWhenEmpty === undefined, 'declares passesWhenEmpty').toBe(name === 'delta');
      if (policy.passesWhenEmpty === undefined) return;
      const limit = limitBytes ?? 1 << 20;
      for (const bytes of [1, 200, 4096, limit, limit + 1, 10 * limit]) {
        const says = policy.passesWhenEmpty(bytes);
        const fresh = createBackpressure(name, options);
        for (const key of [null, 'k']) {
          // Twice on the same key: a policy that kept anything from the first would decide differently.
          for (let k = 0; k < 2; k++) {
            const decision = policy.onSend({ bytes, key }, view(), 1000 * k, rng);
            const first = fresh.onSend({ bytes, key }, view(), 1000 * k, rng);
            const whole = (decision.kind === 'enqueue' && decision.bytes === bytes) || decision.kind === 'conflate';
            if (says) {
              expect(whole, `${bytes} B, key ${String(key)}: ${decision.kind}`).toBe(true);
              expect(decision).toEqual(first);
            }
          }
        }
      }
    });

    it.each(workloads)('makes only well-formed decisions and settles every message exactly once (%s)', (_label, workload) => {
      for (const seed of [1, 2]) {
        const run = simulate(name, options, workload, seed);
        expect(run.outcomes.size).toBe(run.sent);
        const counts = tally(run);
        expect(counts.delivered + counts.dropped + counts.superseded + counts.discarded + counts.queued).toBe(run.sent);
        if (name !== 'conflate') expect(counts.superseded).toBe(0);
        if (run.disconnectedAtMs === null) expect(counts.discarded).toBe(0);
      }
    });

    if (limitBytes !== null) it.each(workloads)('keeps the queue within its limit plus one message (%s)', (_label, workload) => {
      const run = simulate(name, options, workload, 3);
      const slack = name === 'drop-oldest' ? workload.maxBytes : 0;
      expect(run.maxQueuedBytes).toBeLessThanOrEqual(limitBytes + slack);
      expect(run.maxQueuedBytes).toBeLessThanOrEqual(limitBytes + workload.maxBytes);
    });

    if (overflow === 'never') it.each(workloads)('never drops, supersedes or disconnects (%s)', (_label, workload) => {
      const run = simulate(name, options, workload, 4);
      expect(run.disconnectedAtMs).toBeNull();
      expect(tally(run)).toMatchObject({ dropped: 0, superseded: 0, discarded: 0 });
    });

    if (overflow === 'drop') it('drops when flooded and never disconnects', () => {
      const run = simulate(name, options, flood, 5);
      expect(run.disconnectedAtMs).toBeNull();
      expect(tally(run).dropped).toBeGreaterThan(0);
    });

    if (overflow === 'disconnect') it('disconnects under overload with 3008 "slow", and drops nothing before', () => {
      const run = simulate(name, options, { ...overload, durationMs: 60_000 }, 6);
      expect(run.disconnectedAtMs).not.toBeNull();
      expect(run.steps.at(-1)?.decision).toEqual({ kind: 'disconnect', code: 3008, reason: 'slow' });
      expect(tally(run)).toMatchObject({ dropped: 0, superseded: 0, queued: 0 });
    });

    it('makes the same decisions for the same seed', () => {
      const decisions = (seed: number): unknown[] => simulate(name, options, bursty, seed).steps;
      expect(decisions(7)).toEqual(decisions(7));
    });
  });

  if (expected.overflow(parsed({})) === 'disconnect') {
    const options = parsed({});
    const limitBytes = expected.limitBytes(options) as number;
    const maxSlowMs = expected.maxSlowMs?.(options) ?? null;

    it('enqueues a message that just fits and disconnects on one byte more', () => {
      const policy = createBackpressure(name);
      const queue = view({ queuedBytes: limitBytes - 100, queuedMessages: 10, oldestQueuedAtMs: 0 });
      expect(policy.onSend({ bytes: 100, key: null }, queue, 10, rng)).toEqual({ kind: 'enqueue', bytes: 100 });
      expect(policy.onSend({ bytes: 101, key: 'a' }, queue, 10, rng)).toEqual({ kind: 'disconnect', code: 3008, reason: 'slow' });
    });

    if (maxSlowMs === null) it('never disconnects for slowness alone', () => {
      const policy = createBackpressure(name);
      const queue = view({ queuedBytes: limitBytes - 100, queuedMessages: 10, oldestQueuedAtMs: 0, slowSinceMs: 0 });
      expect(policy.onSend({ bytes: 1, key: null }, queue, 1e9, rng).kind).toBe('enqueue');
    });
    else it(`disconnects after ${maxSlowMs} ms of continuous slowness, not before, and not once the queue has drained`, () => {
      const policy = createBackpressure(name);
      const slow = view({ queuedBytes: policy.softLimitBytes + 1, queuedMessages: 10, oldestQueuedAtMs: 500, slowSinceMs: 1000 });
      expect(policy.onSend({ bytes: 1, key: null }, slow, 1000 + maxSlowMs - 1, rng).kind).toBe('enqueue');
      expect(policy.onSend({ bytes: 1, key: null }, slow, 1000 + maxSlowMs, rng)).toEqual({ kind: 'disconnect', code: 3008, reason: 'slow' });
      const drained = view({ queuedBytes: policy.softLimitBytes, queuedMessages: 10, oldestQueuedAtMs: 500 });
      expect(policy.onSend({ bytes: 1, key: null }, drained, 1000 + 10 * maxSlowMs, rng).kind).toBe('enqueue');
    });
  }
});

describe('disconnect in the queue simulator', () => {
  it('closes the first send at or after maxSlowMs above the soft limit, under a limit never reached', () => {
    const options = { limitBytes: 1 << 30, softLimitBytes: 8192, maxSlowMs: 500 };
    const run = simulate('disconnect', options, overload, 8);
    const last = run.steps.at(-1);
    expect(last?.decision.kind).toBe('disconnect');
    expect(last === undefined ? NaN : last.message.atMs - last.slowSinceMs).toBeGreaterThanOrEqual(500);
    for (const step of run.steps.slice(0, -1)) {
      expect(step.decision.kind).toBe('enqueue');
      if (!Number.isNaN(step.slowSinceMs)) expect(step.message.atMs - step.slowSinceMs).toBeLessThan(500);
    }
    expect(run.maxQueuedBytes).toBeLessThan(1 << 20);
  });

  it('keeps a consumer that drains below the soft limit in time', () => {
    const run = simulate('disconnect', { limitBytes: 65_536, softLimitBytes: 1024, maxSlowMs: 200 }, bursty, 9);
    expect(run.disconnectedAtMs).toBeNull();
  });
});

describe('conflate', () => {
  it('queues at most one message per key, always the latest sent for it, when a key keeps its size', () => {
    for (const options of [{}, { limitBytes: 4096 }]) {
      const run = simulate('conflate', options, { ...overload, sizePerKey: true }, 10, (queue, latest) => {
        const seen = new Set<string>();
        for (const item of queue.items) {
          if (item.key === null) continue;
          if (seen.has(item.key)) throw new Error(`two queued for ${item.key}`);
          seen.add(item.key);
          if (latest.get(item.key) !== item.id) throw new Error(`queued ${item.id} for ${item.key}, latest ${String(latest.get(item.key))}`);
        }
      });
      expect(run.violations).toEqual([]);
      expect(tally(run).superseded).toBeGreaterThan(0);
    }
  });

  it('replaces a queued message even at the limit when the replacement fits', () => {
    const policy = createBackpressure('conflate', { limitBytes: 1000 });
    const full = view({ queuedBytes: 1000, queuedMessages: 5, oldestQueuedAtMs: 0 }, { a: 200 });
    expect(policy.onSend({ bytes: 200, key: 'a' }, full, 1, rng)).toEqual({ kind: 'conflate' });
    expect(policy.onSend({ bytes: 201, key: 'a' }, full, 1, rng)).toEqual({ kind: 'drop-newest' });
    expect(policy.onSend({ bytes: 1, key: 'b' }, full, 1, rng)).toEqual({ kind: 'drop-newest' });
    expect(policy.onSend({ bytes: 1, key: null }, full, 1, rng)).toEqual({ kind: 'drop-newest' });
  });
});

describe('delta', () => {
  it.each([{}, { ratio: 0.5 }, { ratio: 0.1, limitBytes: 8192 }])('sends the first message enqueued per key whole, later ones × ratio (options %o)', (options) => {
    const { ratio } = backpressures.delta.options.parse(options);
    const run = simulate('delta', options, overload, 11);
    const based = new Set<string>();
    for (const { message, decision } of run.steps) {
      if (decision.kind !== 'enqueue') continue;
      const full = message.key === null || !based.has(message.key);
      expect(decision.bytes).toBe(full ? message.bytes : Math.ceil(message.bytes * ratio));
      if (message.key !== null) based.add(message.key);
    }
    expect(based.size).toBe(overload.keys);
  });

  it('keeps its sent keys per instance', () => {
    const a = createBackpressure('delta');
    const b = createBackpressure('delta');
    expect(a.onSend({ bytes: 100, key: 'x' }, view(), 0, rng)).toEqual({ kind: 'enqueue', bytes: 100 });
    expect(a.onSend({ bytes: 100, key: 'x' }, view(), 1, rng)).toEqual({ kind: 'enqueue', bytes: 30 });
    expect(b.onSend({ bytes: 100, key: 'x' }, view(), 1, rng)).toEqual({ kind: 'enqueue', bytes: 100 });
  });
});

describe('drop-oldest', () => {
  it('drops as many oldest as the excess over the average size, at least 1, and a message over the limit itself', () => {
    const policy = createBackpressure('drop-oldest', { limitBytes: 1000 });
    const queue = view({ queuedBytes: 900, queuedMessages: 9, oldestQueuedAtMs: 0 });
    expect(policy.onSend({ bytes: 100, key: null }, queue, 1, rng)).toEqual({ kind: 'enqueue', bytes: 100 });
    expect(policy.onSend({ bytes: 101, key: null }, queue, 1, rng)).toEqual({ kind: 'drop-oldest', count: 1 });
    expect(policy.onSend({ bytes: 350, key: null }, queue, 1, rng)).toEqual({ kind: 'drop-oldest', count: 3 });
    expect(policy.onSend({ bytes: 1000, key: null }, queue, 1, rng)).toEqual({ kind: 'drop-oldest', count: 9 });
    expect(policy.onSend({ bytes: 1001, key: null }, queue, 1, rng)).toEqual({ kind: 'drop-newest' });
  });
});

describe('presets', () => {
  it('uwebsockets drops over 64 KiB; centrifugo disconnects over 1 MiB; signalk is slow over 512 KiB', () => {
    expect(createBackpressure('uwebsockets').onSend({ bytes: 1, key: null }, view({ queuedBytes: 65_536, queuedMessages: 1 }), 0, rng)).toEqual({ kind: 'drop-newest' });
    expect(createBackpressure('centrifugo').onSend({ bytes: 1, key: null }, view({ queuedBytes: 1 << 20, queuedMessages: 1 }), 0, rng)).toMatchObject({ code: 3008 });
    expect(createBackpressure('signalk').softLimitBytes).toBe(512 * 1024);
  });
});
