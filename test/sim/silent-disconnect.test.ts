import { describe, expect, it } from 'vitest';
import { runSimulation, SimRun, type SimConfig } from '../../src/sim/index.js';
import { DecisionList, type Summary } from '../../src/metrics/index.js';
import { warmChannelConfig, type WarmChannelOptions } from './config.js';

/**
 * A disconnect without FIN (a NAT or L4 balancer restart that loses its connection state): the
 * connections it hits are dead for good. Nothing the server writes reaches the client, it piles up
 * unacknowledged at the server where backpressure sees it, and the server's pings get no pong, so
 * its heartbeat closes the connection on schedule; the client hears of it then and reconnects.
 * 200 clients already connected (heartbeats at random phases), one channel at 10 messages/s, a
 * ping-pong heartbeat of 25 s / 20 s, half of the connections hit at 20 s.
 */
const AT = 20_000;

type Options = WarmChannelOptions;

function config(o: Options): SimConfig {
  return warmChannelConfig(o, [{ kind: 'disconnect', share: 0.5, atMs: AT, fin: false }]);
}

/**
 * Runs the experiment; for every connection the fault killed: the heartbeat's give-up time computed at
 * the fault, the close the decision log recorded, and the messages its client received between the
 * fault and that close.
 */
function observe(o: Options) {
  const decisions = new DecisionList();
  const run = new SimRun(config(o), decisions);
  run.advance(AT);
  const { world, pubsub, timers } = run.fleet;
  if (pubsub === null) throw new TypeError('expected messages');
  const c = world.clients.c;
  const lastSerial = (i: number): number => {
    if (pubsub.isOpen(i)) pubsub.settle(i, run.nowMs);
    return pubsub.receivers[i]?.lastSerial ?? 0;
  };
  const dead: number[] = [];
  for (let i = 0; i < world.clients.count; i++) if (c.severed[i] === 1) dead.push(i);
  const epochs = dead.map((i) => c.epoch[i] as number);
  const deadlines = dead.map((i) => timers.deadPeerDetectedAt(i));
  const before = dead.map(lastSerial);
  // Just before the first close: what every dead connection's client got since the fault.
  run.advance(Math.min(...deadlines) - 1);
  const receivedWhileDead = dead.reduce((n, i, k) => n + lastSerial(i) - (before[k] as number), 0);
  const stillOpen = dead.filter((i, k) => c.epoch[i] === epochs[k] && c.established[i] === 1).length;
  const holding = dead.filter((i) => pubsub.queues.pending(i)).length;
  const result = run.finish();
  const closes = new Map<number, number>();
  for (const d of decisions.take()) if (d.kind === 'heartbeat-close') closes.set(d.client, d.atMs);
  return { dead, deadlines, closes, receivedWhileDead, stillOpen, holding, summary: result.summary, json: JSON.stringify(result) };
}

const num = (s: Summary, key: keyof Summary): number => s[key] as number;

describe('a disconnect without FIN (issue 17): the connection is dead, not partitioned', () => {
  it('delivers nothing written after the fault; the heartbeat closes every dead connection at its give-up time', () => {
    const r = observe({});
    expect(r.dead.length).toBeGreaterThan(80);
    expect(r.receivedWhileDead).toBe(0);
    expect(r.stillOpen).toBe(r.dead.length);
    // What was written since the fault waits unacknowledged (within the path's window at 200 B; the test below fills it).
    expect(r.holding).toBe(r.dead.length);
    const s = r.summary;
    expect(num(s, 'heartbeat.timeouts')).toBe(r.dead.length);
    expect(num(s, 'connections.dropped')).toBe(r.dead.length);
    // Each close at the time the strategy gives up on a peer that never answers: the next ping + 20 s.
    r.dead.forEach((i, k) => {
      expect(r.closes.get(i)).toBe(r.deadlines[k]);
    });
    for (const deadline of r.deadlines) {
      expect(deadline).toBeGreaterThan(AT + 20_000);
      expect(deadline).toBeLessThanOrEqual(AT + 45_000);
    }
    // What waited on the dead connections is discarded with them; without resume it is lost.
    expect(num(s, 'messages.discardedOnClose')).toBeGreaterThan(200 * r.dead.length);
    expect(num(s, 'messages.lost')).toBeGreaterThan(num(s, 'messages.discardedOnClose'));
    expect(num(s, 'clients.connected.final')).toBe(200);
  });

  it('with history resume the reconnect replays what the dead connection swallowed: nothing lost', () => {
    const r = observe({ resume: 'history' });
    expect(r.receivedWhileDead).toBe(0);
    const s = r.summary;
    expect(num(s, 'messages.lost')).toBe(0);
    expect(num(s, 'messages.replayed')).toBeGreaterThanOrEqual(num(s, 'messages.discardedOnClose'));
    // The replayed messages arrive after the heartbeat's 20–45 s: their latency includes it.
    expect(num(s, 'messages.replayLatencyMs.max')).toBeGreaterThan(20_000);
  });

  it('fills the send path so a backpressure policy sees it, as for a client that stopped reading', () => {
    // 2 kB at 10/s is 20 kB/s: past the 128 kB window and a 64 kB limit about 10 s after the fault, before any heartbeat gives up.
    const r = observe({ bytes: 2000, backpressure: { name: 'disconnect', options: { limitBytes: 65_536 } } });
    const s = r.summary;
    expect(num(s, 'connections.slowConsumersClosed')).toBe(r.dead.length);
    expect(num(s, 'heartbeat.timeouts')).toBe(0);
  });

  it('takes dead connections out of the cohort fan-out and the cohort heartbeat: the same outcome', () => {
    const exact = observe({ resume: 'history' });
    const cohort = observe({ resume: 'history', fanout: 'cohort', heartbeatModel: 'cohort' });
    expect(cohort.receivedWhileDead).toBe(0);
    for (const key of ['heartbeat.timeouts', 'messages.lost', 'connections.dropped'] as const) {
      expect(num(cohort.summary, key), key).toBe(num(exact.summary, key));
    }
    const delivered = num(exact.summary, 'messages.delivered');
    expect(Math.abs(num(cohort.summary, 'messages.delivered') - delivered)).toBeLessThanOrEqual(0.01 * delivered);
  });

  it('is deterministic, and looking inside does not change the run', () => {
    const a = observe({ resume: 'history', fanout: 'cohort', heartbeatModel: 'cohort' });
    const b = observe({ resume: 'history', fanout: 'cohort', heartbeatModel: 'cohort' });
    expect(a.json).toBe(b.json);
    expect(JSON.stringify(runSimulation(config({ resume: 'history' })).summary)).toBe(JSON.stringify(observe({ resume: 'history' }).summary));
  });
});
