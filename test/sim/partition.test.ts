import { describe, expect, it } from 'vitest';
import { runSimulation, SimRun, type SimConfig } from '../../src/sim/index.js';
import type { Summary } from '../../src/metrics/index.js';
import { warmChannelConfig, type WarmChannelOptions } from './config.js';

/**
 * A partition cuts a share of the clients off the network: nothing the server writes reaches them
 * until it heals (TCP keeps it in the server's buffers and retransmits it). 200 clients already
 * connected (heartbeats at random phases), one channel at 10 messages/s, a ping-pong heartbeat of
 * 25 s / 20 s, half of the clients cut off at 20 s. A connection whose ping falls early in a 30 s
 * partition is closed by the heartbeat before its pong can come back (its queue discarded); one whose
 * ping comes later survives and gets everything late.
 */
const AT = 20_000;

interface Options extends WarmChannelOptions {
  durationMs: number;
}

function config(o: Options): SimConfig {
  return warmChannelConfig(o, [{ kind: 'partition', share: 0.5, atMs: AT, durationMs: o.durationMs }]);
}

/**
 * Runs the experiment, and counts the messages the partitioned clients received while cut off (from
 * just after the cut to just before the heal); `survivors`: those still on the connection they had
 * when cut off, at the heal, and how many of them had received every message by 2 s after it.
 */
function observe(o: Options) {
  const run = new SimRun(config(o));
  run.advance(AT);
  const { world, pubsub } = run.fleet;
  if (pubsub === null) throw new TypeError('expected messages');
  const c = world.clients.c;
  const lastSerial = (i: number): number => {
    pubsub.settle(i, run.nowMs);
    return pubsub.receivers[i]?.lastSerial ?? 0;
  };
  const cut: number[] = [];
  for (let i = 0; i < world.clients.count; i++) if ((c.partitionedUntilMs[i] as number) > run.nowMs) cut.push(i);
  const epochs = cut.map((i) => c.epoch[i] as number);
  const before = cut.map(lastSerial);
  run.advance(AT + o.durationMs - 1);
  const during = cut.map((i, k) => lastSerial(i) - (before[k] as number));
  const survivors = cut.filter((i, k) => c.epoch[i] === epochs[k] && c.established[i] === 1);
  run.advance(AT + o.durationMs + 2000);
  const latest = pubsub.histories[0]?.latestSerial ?? NaN;
  const caughtUp = survivors.filter((i) => lastSerial(i) >= latest - 2).length;
  const result = run.finish();
  return { cut: cut.length, receivedWhileCut: during.reduce((a, b) => a + b, 0), survivors: survivors.length, caughtUp, summary: result.summary, json: JSON.stringify(result) };
}

const num = (s: Summary, key: keyof Summary): number => s[key] as number;

describe('a partition and the messages of the clients it cuts off', () => {
  it('delivers nothing to a partitioned client while it is cut off; the heartbeat closes some connections, not all', () => {
    const r = observe({ durationMs: 30_000 });
    expect(r.cut).toBeGreaterThan(80);
    expect(r.receivedWhileCut).toBe(0);
    const s = r.summary;
    // A ping in the first ~10 s of the partition cannot get its pong back within 20 s: about 10.4 / 25 of them.
    expect(num(s, 'heartbeat.timeouts')).toBeGreaterThan(0.25 * r.cut);
    expect(num(s, 'heartbeat.timeouts')).toBeLessThan(0.6 * r.cut);
    expect(r.survivors).toBe(r.cut - num(s, 'heartbeat.timeouts'));
    // The survivors get everything written while they were cut off, after the heal.
    expect(r.caughtUp).toBe(r.survivors);
    // What waited for the closed ones is discarded with their connections.
    expect(num(s, 'messages.discardedOnClose')).toBeGreaterThan(100 * num(s, 'heartbeat.timeouts'));
    // Latencies include the partition.
    expect(num(s, 'messages.latencyMs.max')).toBeGreaterThan(25_000);
  });

  it('after a short partition that heals before any heartbeat closes: every message arrives, late, none lost', () => {
    const r = observe({ durationMs: 4000 });
    expect(r.receivedWhileCut).toBe(0);
    const s = r.summary;
    expect(num(s, 'heartbeat.timeouts')).toBe(0);
    expect(num(s, 'connections.dropped')).toBe(0);
    expect(r.caughtUp).toBe(r.cut);
    expect(num(s, 'messages.lost')).toBe(0);
    expect(num(s, 'messages.discardedOnClose')).toBe(0);
    expect(num(s, 'messages.latencyMs.max')).toBeGreaterThan(3000);
    expect(num(s, 'messages.latencyMs.max')).toBeLessThan(4100);
  });

  it('after a long one, with history resume the closed connections replay what they missed; without resume it is lost', () => {
    const resumed = observe({ durationMs: 30_000, resume: 'history' });
    const plain = observe({ durationMs: 30_000, resume: 'none' });
    expect(resumed.receivedWhileCut).toBe(0);
    const [h, n] = [resumed.summary, plain.summary];
    // The same connections close either way: resume changes only what happens on reconnecting.
    expect(num(h, 'heartbeat.timeouts')).toBe(num(n, 'heartbeat.timeouts'));
    expect(num(h, 'messages.discardedOnClose')).toBe(num(n, 'messages.discardedOnClose'));
    expect(num(h, 'messages.lost')).toBe(0);
    expect(num(h, 'messages.replayed')).toBeGreaterThanOrEqual(num(h, 'messages.discardedOnClose'));
    // Without resume, what was discarded and what was published while they reconnected is lost.
    expect(num(n, 'messages.lost')).toBeGreaterThan(num(n, 'messages.discardedOnClose'));
    expect(num(n, 'messages.delivered') + num(n, 'messages.lost')).toBe(num(h, 'messages.delivered'));
  });

  it('lets the backpressure policy see the queue grow, as for a client that stopped reading', () => {
    // 2 kB at 10/s is 20 kB/s: past the path's 128 kB window and a 64 kB limit about 10 s into the cut, before any pong is due.
    const r = observe({ durationMs: 30_000, bytes: 2000, backpressure: { name: 'disconnect', options: { limitBytes: 65_536 } } });
    expect(r.receivedWhileCut).toBe(0);
    const s = r.summary;
    expect(num(s, 'connections.slowConsumersClosed')).toBe(r.cut);
    expect(num(s, 'heartbeat.timeouts')).toBe(0);
  });

  it('takes partitioned subscribers out of the cohort fan-out: the same outcome as writing each one', () => {
    const batched = observe({ durationMs: 30_000, resume: 'history' });
    const cohort = observe({ durationMs: 30_000, resume: 'history', fanout: 'cohort' });
    // (A member's receiver is brought up to date only when it leaves, so survivors back in the cohort are not counted here.)
    expect(cohort.receivedWhileCut).toBe(0);
    for (const key of ['messages.delivered', 'messages.lost', 'messages.discardedOnClose', 'messages.replayed', 'heartbeat.timeouts'] as const) {
      expect(num(cohort.summary, key), key).toBe(num(batched.summary, key));
    }
    for (const key of ['messages.latencyMs.p50', 'messages.latencyMs.p99', 'messages.latencyMs.max'] as const) {
      expect(Math.abs(num(cohort.summary, key) - num(batched.summary, key)), key).toBeLessThanOrEqual(num(batched.summary, key) * 2 ** -9);
    }
  });

  it('with the heartbeat kept as a cohort, the same: nothing while cut off, the same connections closed', () => {
    const exact = observe({ durationMs: 30_000 });
    const cohort = observe({ durationMs: 30_000, heartbeatModel: 'cohort' });
    expect(cohort.receivedWhileCut).toBe(0);
    expect(Math.abs(num(cohort.summary, 'heartbeat.timeouts') - num(exact.summary, 'heartbeat.timeouts'))).toBeLessThanOrEqual(2);
    expect(Math.abs(cohort.survivors - exact.survivors)).toBeLessThanOrEqual(2);
    expect(cohort.caughtUp).toBe(cohort.survivors);
    const delivered = num(exact.summary, 'messages.delivered');
    expect(Math.abs(num(cohort.summary, 'messages.delivered') - delivered)).toBeLessThanOrEqual(0.01 * delivered);
  });

  it('is deterministic, and looking inside does not change the run', () => {
    const a = observe({ durationMs: 30_000, resume: 'history', fanout: 'cohort', heartbeatModel: 'cohort' });
    const b = observe({ durationMs: 30_000, resume: 'history', fanout: 'cohort', heartbeatModel: 'cohort' });
    expect(a.json).toBe(b.json);
    expect(JSON.stringify(runSimulation(config({ durationMs: 30_000, resume: 'history' })).summary)).toBe(JSON.stringify(observe({ durationMs: 30_000, resume: 'history' }).summary));
  });
});
