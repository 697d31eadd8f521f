import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RngStreams, type DistributionSpec } from '../../src/engine/index.js';
import { simulate, type SimConfig } from '../../src/sim/index.js';
import { PublishRates } from '../../src/sim/publish-rates.js';
import { balancer, baseConfig, messages, servers, serverSpec } from './config.js';

const constant = (value: number) => ({ kind: 'constant', value }) as const;

/** The position a linear scan picks: the first whose running sum exceeds u × total. */
function scan(rates: readonly number[], u: number): number {
  const total = rates.reduce((a, b) => a + b, 0);
  let sum = 0;
  for (let k = 0; k < rates.length; k++) {
    sum += rates[k] as number;
    if (sum > u * total) return k;
  }
  return rates.length - 1;
}

describe('PublishRates', () => {
  it('keeps the rates of a live list through joins and swap-removes, and picks as a linear scan does', () => {
    // Rates are multiples of 1/4 so every sum is exact, and a pick can be compared position for position.
    const op = fc.oneof(fc.record({ join: fc.constant(true) }), fc.record({ leave: fc.nat() }));
    const quarters = { kind: 'empirical', values: Array.from({ length: 41 }, (_, k) => k / 4) } as const;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 300 }), fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 20 }), (ops, us) => {
        const rates = new PublishRates(quarters, new RngStreams(1).stream('rates'));
        const live: number[] = [];
        const rateOf: number[] = [];
        for (const o of ops) {
          if ('join' in o) {
            const i = rateOf.length;
            rates.addClient(i);
            rateOf.push(rates.rateOf(i));
            rates.place(live.length, i);
            live.push(i);
          } else if (live.length > 0) {
            const pos = o.leave % live.length;
            const last = live.pop() as number;
            if (pos < live.length) {
              live[pos] = last;
              rates.place(pos, last);
            }
            rates.clear(live.length);
          }
        }
        const inLive = live.map((i) => rateOf[i] as number);
        const total = inLive.reduce((a, b) => a + b, 0);
        expect(rates.total(live.length)).toBe(total);
        if (total === 0) return;
        for (const u of us) {
          const pos = rates.pick(u, live.length);
          expect(pos).toBe(scan(inLive, u));
          expect(inLive[pos]).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300, seed: 17 },
    );
  });

  it('draws each client its rate from the distribution', () => {
    const rates = new PublishRates({ kind: 'empirical', values: [0, 10], weights: [9, 1] }, new RngStreams(5).stream('rates'));
    for (let i = 0; i < 10_000; i++) rates.addClient(i);
    let heavy = 0;
    for (let i = 0; i < 10_000; i++) {
      const r = rates.rateOf(i);
      expect([0, 10]).toContain(r);
      if (r === 10) heavy++;
    }
    // Binomial(10 000, 0.1): mean 1 000, sd 30.
    expect(Math.abs(heavy - 1000)).toBeLessThan(4 * 30);
  });
});

describe('a publish rate per client in the sim', () => {
  const fleet = (clientPerSec: DistributionSpec): SimConfig =>
    baseConfig({
      durationMs: 60_000,
      servers: servers(2),
      clients: {
        arrivals: { kind: 'ramp', clients: 1000, startMs: 0, overMs: 1000 },
        sessionMs: null,
        connectTimeoutMs: 10_000,
        flapsPerHour: 0,
        initialSpreadMs: 0,
        consumePerSec: constant(1000),
      },
      messages: messages({ channels: 50, popularityExponent: 0, clientPerSec }),
    });

  it('publishes at the sum of the connected clients’ own rates', () => {
    const run = simulate(fleet({ kind: 'empirical', values: [0, 10], weights: [9, 1] }));
    const pubsub = run.fleet.pubsub;
    if (pubsub === null || pubsub.publishRates === null) throw new TypeError('expected per-client publish rates');
    const rates = pubsub.publishRates;
    const sum = pubsub.live.reduce((a, i) => a + rates.rateOf(i), 0);
    // Every client connects within the first ~1.1 s and stays: about 59 s at the full rate, Poisson spread.
    const expected = sum * 59;
    const published = run.result.summary['messages.fromClients'] as number;
    expect(pubsub.live.length).toBe(1000);
    expect(Math.abs(published - expected)).toBeLessThan(4 * Math.sqrt(expected) + sum * 1.2);
  });

  it('a distribution of nothing but zeros publishes nothing, and the same seed gives the same run', () => {
    expect(simulate(fleet({ kind: 'empirical', values: [0] })).result.summary['messages.fromClients']).toBe(0);
    const config = fleet({ kind: 'uniform', min: 0, max: 2 });
    expect(JSON.stringify(simulate(config).result)).toBe(JSON.stringify(simulate(config).result));
  });
});

describe('servers.cpu.imbalance', () => {
  it('is the busiest server’s utilisation over the mean: equal work on a 1-core and a 2-core server gives 4/3', () => {
    const run = simulate(
      baseConfig({
        durationMs: 30_000,
        servers: [
          { name: 'one', count: 1, spec: serverSpec() },
          { name: 'two', count: 1, spec: serverSpec({ coresPerProcess: 2 }) },
        ],
        clients: { ...baseConfig().clients, arrivals: { kind: 'ramp', clients: 1000, startMs: 0, overMs: 1000 }, sessionMs: null },
        heartbeat: { name: 'ping-pong', options: { intervalMs: 1000, timeoutMs: 1000 } },
      }),
    );
    const s = run.result.summary;
    // Round robin gives each 500 connections and the same handshakes, pings and checks: the same busy
    // time but for the pings the run's end cuts, so utilisations u and u / 2, and max / mean = 4/3.
    expect(s['servers.cpu.utilization.max']).toBeGreaterThan(0);
    expect(s['servers.cpu.imbalance']).toBeCloseTo(4 / 3, 4);
  });

  it('least-connections evens counts but not CPU when a few clients publish most; a CPU-aware balancer evens CPU', () => {
    const uneven = (strategy: string): Record<string, unknown> =>
      simulate(
        baseConfig({
          durationMs: 60_000,
          servers: servers(8, { messageInCostMs: { kind: 'constant', value: 1 } }),
          balancer: balancer({ name: strategy, options: {} }),
          clients: { ...baseConfig().clients, arrivals: { kind: 'ramp', clients: 4000, startMs: 0, overMs: 20_000 }, sessionMs: null },
          messages: messages({ channels: 4000, popularityExponent: 0, clientPerSec: { kind: 'empirical', values: [0, 60], weights: [0.99, 0.01] }, broker: { targets: 'subscribed', shards: 1, publishCostMs: 0.01, deliveryCostMs: 0.002, latencyMs: 0.25 } }),
        }),
      ).result.summary;
    const counts = uneven('least-connections');
    const load = uneven('least-loaded');
    expect(counts['servers.connections.imbalance']).toBeLessThan(1.01);
    expect(counts['servers.cpu.imbalance']).toBeGreaterThan(1.2);
    expect(load['servers.cpu.imbalance']).toBeLessThan((counts['servers.cpu.imbalance'] as number) - 0.1);
  });
});
