import { describe, expect, it } from 'vitest';
import { simulate, type SimConfig } from '../../src/sim/index.js';
import { backpressures, type StrategyChoice } from '../../src/strategies/index.js';
import { balancer, baseConfig, messages, servers } from './config.js';

const constant = (value: number) => ({ kind: 'constant', value }) as const;

/** `n` clients arriving over the first second and staying, on a 10 ms + 0.2 ms path. */
function fleetOf(n: number, overrides: Partial<SimConfig> = {}): SimConfig {
  return baseConfig({
    durationMs: 60_000,
    network: { clientLatencyMs: constant(10), backendLatencyMs: constant(0.2), downlinkBytesPerSec: constant(1_250_000), pathBufferBytes: 131_072 },
    clients: {
      arrivals: { kind: 'ramp', clients: n, startMs: 0, overMs: 1000 },
      sessionMs: null,
      connectTimeoutMs: 10_000,
      flapsPerHour: 0,
      initialSpreadMs: 0,
      consumePerSec: constant(1000),
    },
    reconnect: { name: 'full-jitter', options: { baseMs: 500, capMs: 5000 } },
    ...overrides,
  });
}

/** Sum over every subscription of the serials published between its start and its end (departure or run end). */
function expectedPerSubscriber(run: ReturnType<typeof simulate>): number {
  const pubsub = run.fleet.pubsub;
  if (pubsub === null) throw new TypeError('expected messages');
  let sum = 0;
  pubsub.receivers.forEach((r, slot) => {
    if (r !== undefined) sum += (pubsub.subs.c.endSerial[slot] as number) - (pubsub.subs.c.startSerial[slot] as number);
  });
  return sum;
}

function outcomes(run: ReturnType<typeof simulate>) {
  const s = run.result.summary;
  return {
    delivered: s['messages.delivered'] as number,
    dropped: s['messages.dropped'] as number,
    lost: s['messages.lost'] as number,
    inFlight: s['messages.inFlight'] as number,
  };
}

describe('fan-out', () => {
  it('a broadcast reaches every subscriber after exactly the costs the model charges', () => {
    const run = simulate(fleetOf(100, { messages: messages({ backendPerSec: 0.5 }) }));
    const s = run.result.summary;
    // broker publish 0.01 + 1 target × 0.002 + broker link 0.25 + read 0.01 + out 0.005 per recipient
    // + 200 B at 1.25 MB/s (0.16) + path 10.2 + consume 1 ms: the first recipient 11.637 ms, the 100th 99 × 0.005 later.
    expect(s['messages.latencyMs.max']).toBeCloseTo(11.637 + 99 * 0.005, 6);
    expect(s['messages.latencyMs.p50']).toBeGreaterThan(11.637);
    const o = outcomes(run);
    expect(o.lost + o.dropped).toBe(0);
    expect(o.delivered + o.inFlight).toBe(expectedPerSubscriber(run));
    expect(o.delivered).toBeGreaterThan(100 * 20);
  });

  it('every server reads every broadcast with the Redis-adapter pattern; with per-channel routing only subscribed servers do', () => {
    const spec = (targets: 'every-server' | 'subscribed') =>
      fleetOf(400, { servers: servers(8), messages: messages({ channels: 400, popularityExponent: 0, backendPerSec: 50, broker: { ...messages().broker, targets } }) });
    const every = simulate(spec('every-server')).result.summary;
    const subscribed = simulate(spec('subscribed')).result.summary;
    expect(every['broker.deliveries']).toBe(8 * (every['messages.published'] as number));
    expect(every['broker.uselessReads']).toBeGreaterThan(0.5 * (every['broker.deliveries'] as number));
    expect(subscribed['broker.uselessReads']).toBe(0);
    expect(subscribed['broker.deliveries']).toBeLessThan(0.3 * (every['broker.deliveries'] as number));
    // The same messages reach the same subscribers either way.
    expect(subscribed['messages.delivered']).toBe(every['messages.delivered']);
  });

  it('batched fan-out with settled-without-events queues matches one job and one event per recipient', () => {
    const spec = (fanout: 'batched' | 'per-recipient') =>
      fleetOf(300, {
        servers: servers(3),
        network: { ...fleetOf(0).network, pathBufferBytes: 2048 },
        clients: { ...fleetOf(0).clients, arrivals: { kind: 'ramp', clients: 300, startMs: 0, overMs: 1000 }, consumePerSec: { kind: 'empirical', values: [5, 1000], weights: [1, 4] } },
        messages: messages({ channels: 5, backendPerSec: 40, fanout, backpressure: { name: 'drop-newest', options: { limitBytes: 2000 } } }),
      });
    const batched = simulate(spec('batched')).result.summary;
    const reference = simulate(spec('per-recipient')).result.summary;
    expect(batched['messages.published']).toBe(reference['messages.published']);
    for (const metric of ['messages.delivered', 'messages.dropped', 'messages.latencyMs.mean', 'messages.latencyMs.p99']) {
      const a = batched[metric] as number;
      const b = reference[metric] as number;
      expect(b).toBeGreaterThan(0);
      expect(Math.abs(a - b) / b, metric).toBeLessThan(0.01);
    }
  });
});

describe('conservation: every message published to a channel is, for each subscriber, exactly one of delivered, dropped, lost or in flight', () => {
  const messy = (backpressure: StrategyChoice): SimConfig =>
    fleetOf(300, {
      durationMs: 90_000,
      servers: servers(3),
      heartbeat: { name: 'ping-pong', options: { intervalMs: 5000, timeoutMs: 5000 } },
      clients: {
        ...fleetOf(0).clients,
        arrivals: { kind: 'ramp', clients: 300, startMs: 0, overMs: 1000 },
        sessionMs: { kind: 'exponential', mean: 60_000 },
        flapsPerHour: 60,
        consumePerSec: { kind: 'empirical', values: [5, 1000], weights: [1, 3] },
      },
      messages: messages({ channels: 4, subscriptionsPerClient: 2, backendPerSec: 20, clientPerSec: { kind: 'constant', value: 0.05 }, backpressure, resume: { name: 'history', options: { maxReplay: null } }, history: { maxMessages: 200, ttlMs: 20_000 } }),
      faults: [{ kind: 'crash', server: 1, atMs: 30_000, restartAfterMs: 10_000 }],
    });

  for (const name of Object.keys(backpressures)) {
    it(`with ${name}`, () => {
      const run = simulate(messy({ name, options: {} }));
      const o = outcomes(run);
      expect(o.delivered + o.dropped + o.lost + o.inFlight).toBe(expectedPerSubscriber(run));
      // The server's own drop count, against what the receivers saw: dropped, or replaced by a resume.
      const k = run.fleet.pubsub?.counters;
      expect(k?.policyDrops).toBe((k?.droppedFinal ?? 0) + (k?.droppedPending ?? 0) + (k?.dropsSuperseded ?? 0));
      expect(o.delivered).toBeGreaterThan(0);
    });
  }
});

describe('resume', () => {
  const crashDuringChat = (resume: StrategyChoice, history = { maxMessages: Infinity, ttlMs: Infinity }): SimConfig =>
    fleetOf(400, {
      durationMs: 90_000,
      servers: servers(4),
      heartbeat: { name: 'ping-pong', options: {} },
      balancer: balancer({ name: 'least-connections', options: {} }),
      messages: messages({ channels: 20, popularityExponent: 0, clientPerSec: { kind: 'constant', value: 0.2 }, resume, history }),
      faults: [{ kind: 'crash', server: 0, atMs: 30_000, restartAfterMs: 15_000 }],
    });

  it('with a history window longer than the outage: zero lost, zero duplicates after dedup, exactly once', () => {
    const run = simulate(crashDuringChat({ name: 'history', options: { maxReplay: null } }));
    const s = run.result.summary;
    const o = outcomes(run);
    expect(s['messages.resumes']).toBeGreaterThan(50);
    expect(s['messages.replayed']).toBeGreaterThan(0);
    expect(o.lost).toBe(0);
    expect(o.dropped).toBe(0);
    // Every serial reached its subscriber once: distinct deliveries plus what is still on its way is all of them.
    expect(o.delivered + o.inFlight).toBe(expectedPerSubscriber(run));
    expect(s['messages.outOfOrder']).toBe(0);
  });

  it('Socket.IO recovery (120 s) covers a 15 s outage; no resume loses what was published meanwhile', () => {
    const recovered = outcomes(simulate(crashDuringChat({ name: 'socket-io-recovery', options: {} })));
    expect(recovered.lost).toBe(0);
    const none = simulate(crashDuringChat({ name: 'none', options: {} }));
    const s = none.result.summary;
    expect(outcomes(none).lost).toBeGreaterThan(100);
    expect(s['messages.lost.clientsShare']).toBeGreaterThan(0.1);
    expect(s['messages.lost.clientsShare']).toBeLessThan(0.5);
  });

  it('a history window shorter than the outage leaves a gap', () => {
    const s = simulate(crashDuringChat({ name: 'history', options: { maxReplay: null } }, { maxMessages: Infinity, ttlMs: 1000 })).result.summary;
    expect(s['messages.resumeGaps']).toBeGreaterThan(0);
    expect(s['messages.lost']).toBeGreaterThan(0);
  });
});

describe('backpressure in the fleet', () => {
  const slowConsumers = (backpressure: StrategyChoice, limitBytes = 1e12): SimConfig =>
    fleetOf(200, {
      servers: servers(1, { memory: { baseBytes: 50e6, perConnectionBytes: 10_000, limitBytes } }),
      clients: { ...fleetOf(0).clients, arrivals: { kind: 'ramp', clients: 200, startMs: 0, overMs: 1000 }, consumePerSec: { kind: 'empirical', values: [2, 1000], weights: [1, 1] } },
      messages: messages({ backendPerSec: 20, bytes: constant(1000), backpressure }),
    });

  it('unbounded queues grow until the server is killed for memory', () => {
    const s = simulate(slowConsumers({ name: 'unbounded', options: {} }, 60e6)).result.summary;
    expect(s['servers.oomKills']).toBeGreaterThan(0);
  });

  it('a 64 KiB drop policy bounds every queue and drops instead', () => {
    const s = simulate(slowConsumers({ name: 'uwebsockets', options: {} })).result.summary;
    expect(s['sendBuffer.peakBytes']).toBeLessThanOrEqual(200 * 64 * 1024);
    expect(s['messages.dropped']).toBeGreaterThan(1000);
    expect(s['servers.oomKills']).toBe(0);
  });

  it('a slow consumer consumes at its own rate; dropping the oldest at the server keeps what it gets fresher than dropping the newest', () => {
    const config = (name: string) =>
      fleetOf(50, {
        network: { ...fleetOf(0).network, pathBufferBytes: 4096 },
        clients: { ...fleetOf(0).clients, arrivals: { kind: 'ramp', clients: 50, startMs: 0, overMs: 1000 }, consumePerSec: constant(2) },
        messages: messages({ backendPerSec: 10, bytes: constant(1000), backpressure: { name, options: { limitBytes: 8192 } } }),
      });
    const oldest = simulate(config('drop-oldest')).result.summary;
    const newest = simulate(config('drop-newest')).result.summary;
    for (const s of [oldest, newest]) {
      // 2 messages a second for about 59 s each, while four in five are dropped.
      expect(s['messages.delivered']).toBeGreaterThan(50 * 2 * 59 * 0.95);
      expect(s['messages.delivered']).toBeLessThanOrEqual(50 * 2 * 60);
      expect(s['messages.dropped']).toBeGreaterThan(50 * 8 * 59 * 0.8);
      expect(s['sendBuffer.peakBytes']).toBeLessThanOrEqual(50 * 8192);
    }
    // Behind a full 8 KiB queue and a 4 KiB path, the newest-dropping consumer reads messages about 6 s old.
    expect(newest['messages.latencyMs.p50']).toBeGreaterThan(5000);
    expect(oldest['messages.latencyMs.p50']).toBeLessThan((newest['messages.latencyMs.p50'] as number) / 2);
  });

  it('a disconnect policy closes slow consumers over its limit; they reconnect', () => {
    const s = simulate(slowConsumers({ name: 'disconnect', options: { limitBytes: 65_536 } })).result.summary;
    expect(s['connections.slowConsumersClosed']).toBeGreaterThan(50);
    expect(s['messages.dropped']).toBe(0);
  });
});

describe('long polling', () => {
  const pollers = (strategy: string, sessions: 'local' | 'shared'): SimConfig =>
    fleetOf(400, {
      servers: servers(4),
      balancer: balancer({ name: strategy, options: {} }),
      messages: messages({ channels: 4, backendPerSec: 5 }),
      polling: { share: 0.5, holdMs: 25_000, sessionTimeoutMs: 45_000, sessions, sharedLookupMs: 1, farm: null },
    });

  it('without sticky routing polls land on servers that do not know the session ("Session ID unknown")', () => {
    const roundRobin = simulate(pollers('round-robin', 'local')).result.summary;
    const sticky = simulate(pollers('sticky', 'local')).result.summary;
    expect(roundRobin['polling.sessionUnknown']).toBeGreaterThan(1000);
    expect(sticky['polling.sessionUnknown']).toBe(0);
    expect(roundRobin.availability).toBeLessThan((sticky.availability as number) - 0.05);
    // About one poll per message received (about 1.5 per second per client here), plus the empty ones.
    expect(sticky['polling.requests']).toBeGreaterThan(200 * 60 * 0.5);
  });

  it('shared session state serves polls anywhere, one lookup away', () => {
    const s = simulate(pollers('round-robin', 'shared')).result.summary;
    expect(s['polling.sessionUnknown']).toBe(0);
    expect(s['polling.sharedLookups']).toBeGreaterThan(0.6 * (s['polling.requests'] as number));
    expect(s['messages.lost']).toBe(0);
  });

  it('a polling session costs pollSessionBytes on top of a connection', () => {
    const config = fleetOf(1000, { durationMs: 5000, polling: { share: 0.3, holdMs: 25_000, sessionTimeoutMs: 45_000, sessions: 'local', sharedLookupMs: 1, farm: null } });
    const run = simulate(config);
    const server = run.fleet.servers[0];
    const s = run.result.summary;
    expect(server?.memoryBytes()).toBe(50e6 + 1000 * 10_000 + (s['polling.clients'] as number) * 20_000);
  });
});

describe('heartbeats and idle timeouts', () => {
  it('a proxy idle timeout shorter than the ping interval closes idle connections; pings inside it keep them', () => {
    const idle = (heartbeat: StrategyChoice) =>
      simulate(fleetOf(200, { durationMs: 200_000, heartbeat, balancer: balancer(undefined, { idleTimeoutMs: 60_000 }) })).result.summary;
    const noPing = idle({ name: 'none', options: {} });
    const slowPing = idle({ name: 'ping-pong', options: { intervalMs: 90_000, timeoutMs: 20_000 } });
    const fastPing = idle({ name: 'ping-pong', options: { intervalMs: 25_000, timeoutMs: 20_000 } });
    // Without frames every connection is cut every 60 s (plus its reconnect time): 3 times in 200 s.
    expect(noPing['connections.idleClosed.proxy']).toBeGreaterThanOrEqual(200 * 3);
    expect(slowPing['connections.idleClosed.proxy']).toBeGreaterThanOrEqual(200 * 3);
    expect(fastPing['connections.idleClosed.proxy']).toBe(0);
  });

  it('counts ping and pong frames against data frames', () => {
    const s = simulate(fleetOf(100, { heartbeat: { name: 'ping-pong', options: { intervalMs: 10_000, timeoutMs: 5000 } }, messages: messages({ backendPerSec: 1 }) })).result
      .summary;
    // 100 connections × 5 full ping cycles in 60 s × 2 frames, against about 60 broadcasts × 100 recipients.
    expect(s['frames.heartbeat']).toBeGreaterThanOrEqual(100 * 5 * 2);
    expect(s['frames.heartbeat']).toBeLessThanOrEqual(100 * 6 * 2);
    expect(s['heartbeat.framesPerDataFrame']).toBeCloseTo((s['frames.heartbeat'] as number) / (s['frames.data'] as number), 9);
  });
});

it('the same messages experiment and seed give the same result', () => {
  const config = fleetOf(200, { servers: servers(2), messages: messages({ channels: 10, backendPerSec: 10, clientPerSec: { kind: 'constant', value: 0.1 } }), polling: { share: 0.2, holdMs: 25_000, sessionTimeoutMs: 45_000, sessions: 'local', sharedLookupMs: 1, farm: null } });
  expect(JSON.stringify(simulate(config).result)).toBe(JSON.stringify(simulate(config).result));
});
