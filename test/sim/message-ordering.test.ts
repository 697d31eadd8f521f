import { describe, expect, it } from 'vitest';
import { simulate, type SimConfig } from '../../src/sim/index.js';
import { parseExperiment, toRealConfig } from '../../src/experiment/index.js';
import { balancer, baseConfig, messages, servers } from './config.js';

const constant = (value: number) => ({ kind: 'constant', value }) as const;

/**
 * 400 clients on 4 busy channels (250 messages a second each), a broker 5 ms away, history that covers
 * the outage; server 0 crashes at 30 s and its clients resume elsewhere.
 */
function busyChannelCrash(ordering: 'buffer' | 'none', seed = 1): SimConfig {
  return baseConfig({
    seed,
    durationMs: 60_000,
    servers: servers(4),
    network: { clientLatencyMs: constant(10), backendLatencyMs: constant(0.2), downlinkBytesPerSec: constant(1_250_000), pathBufferBytes: 131_072 },
    clients: {
      arrivals: { kind: 'ramp', clients: 400, startMs: 0, overMs: 1000 },
      sessionMs: null,
      connectTimeoutMs: 10_000,
      flapsPerHour: 0,
      initialSpreadMs: 0,
      consumePerSec: constant(5000),
    },
    reconnect: { name: 'full-jitter', options: { baseMs: 500, capMs: 5000 } },
    heartbeat: { name: 'ping-pong', options: {} },
    balancer: balancer({ name: 'least-connections', options: {} }),
    messages: messages({
      channels: 4,
      popularityExponent: 0,
      backendPerSec: 1000,
      broker: { targets: 'every-server', shards: 1, publishCostMs: 0.01, deliveryCostMs: 0.002, latencyMs: 5 },
      resume: { name: 'history', options: { maxReplay: null, ordering } },
      history: { maxMessages: Infinity, ttlMs: Infinity },
    }),
    faults: [{ kind: 'crash', server: 0, atMs: 30_000, restartAfterMs: 15_000 }],
  });
}

function outcome(ordering: 'buffer' | 'none', seed = 1) {
  const s = simulate(busyChannelCrash(ordering, seed)).result.summary;
  const pick = (k: string): number => s[`messages.${k}`] as number;
  return {
    resumes: pick('resumes'),
    replayed: pick('replayed'),
    delivered: pick('delivered'),
    duplicates: pick('duplicates'),
    outOfOrder: pick('outOfOrder'),
    lost: pick('lost'),
    inFlight: pick('inFlight'),
  };
}

describe('resume ordering after a crash on a busy channel', () => {
  const buffer = outcome('buffer');
  const none = outcome('none');

  it('buffer: the replay is written before the live messages that came during the fetch, so nothing is out of order', () => {
    expect(buffer.resumes).toBeGreaterThan(50);
    expect(buffer.replayed).toBeGreaterThan(1000);
    expect(buffer.outOfOrder).toBe(0);
    expect(buffer.lost).toBe(0);
  });

  it('none: live messages published during the history fetch overtake the replay; nothing is lost', () => {
    expect(none.outOfOrder).toBeGreaterThan(0);
    expect(none.lost).toBe(0);
    // The same serials reach the same subscribers: only their order differs.
    expect(none.delivered).toBe(buffer.delivered);
    expect(none.replayed).toBe(buffer.replayed);
    expect(none.inFlight).toBe(buffer.inFlight);
  });

  it('is deterministic', () => {
    expect(outcome('none')).toEqual(none);
    expect(outcome('none', 2)).not.toEqual(none);
  });
});

describe('resume ordering in real mode', () => {
  const base = {
    name: 'x',
    question: 'q',
    durationMs: 10_000,
    fleet: { servers: 1, server: { profile: 'node-ws-plain' } },
    balancer: { profile: 'haproxy' },
    clients: { profile: 'browser', arrivals: { ramp: { clients: 10, overMs: 1000 } }, sessionMs: 'forever' },
    messages: { channels: 1, bytes: 100, backendPerSec: 10, resume: { history: { ordering: 'none' } } },
  };

  it('refuses ordering none, at its path', () => {
    const parsed = parseExperiment(base);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const real = toRealConfig(parsed.experiment, 'x.yaml');
    expect(real.ok).toBe(false);
    if (real.ok) return;
    expect(real.issues.map((i) => [i.path, i.message])).toEqual([
      [['messages', 'resume', 'history', 'ordering'], 'expected buffer in real mode (the bundled server holds live messages until the replay is written)'],
    ]);
  });

  it('accepts the default, buffer', () => {
    const parsed = parseExperiment({ ...base, messages: { ...base.messages, resume: 'history' } });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(toRealConfig(parsed.experiment, 'x.yaml').ok).toBe(true);
  });
});
