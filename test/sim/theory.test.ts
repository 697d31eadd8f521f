import { describe, expect, it } from 'vitest';
import { erlangB, erlangC } from '../../src/metrics/index.js';
import { runSimulation } from '../../src/sim/index.js';
import { baseConfig, servers } from './config.js';
import type { SimConfig } from '../../src/sim/index.js';

describe('the fleet model against queueing theory', () => {
  it('a one-core server with Poisson arrivals and exponential handshakes gives the M/M/1 mean wait ρ/(μ−λ)', () => {
    const lambdaPerMs = 0.6; // 600 handshakes/s
    const muPerMs = 1; // 1 ms mean handshake CPU
    const result = runSimulation(
      baseConfig({
        durationMs: 1_500_000,
        clients: {
          arrivals: { kind: 'poisson', ratePerSec: lambdaPerMs * 1000, startMs: 0, stopMs: Infinity },
          sessionMs: { kind: 'exponential', mean: 20 },
          connectTimeoutMs: 1e9,
          flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 },
        },
        servers: servers(1, { handshakeCostMs: { kind: 'exponential', mean: 1 / muPerMs } }),
      }),
    );
    const rho = lambdaPerMs / muPerMs;
    const expectedWaitMs = rho / (muPerMs - lambdaPerMs);
    const s = result.summary;
    expect(s['handshake.waitMs.count']).toBeGreaterThan(800_000);
    expect(s['handshake.waitMs.mean']).toBeGreaterThan(expectedWaitMs * 0.95);
    expect(s['handshake.waitMs.mean']).toBeLessThan(expectedWaitMs * 1.05);
    // Utilisation of the core is ρ.
    expect(s['servers.cpu.utilization.mean']).toBeCloseTo(rho, 2);
  });

  it('a four-core server reproduces Erlang C: the probability of waiting and the mean wait of M/M/c', () => {
    const cores = 4;
    const lambdaPerMs = 3.2; // ρ = λ / (c·μ) = 0.8
    const muPerMs = 1;
    const result = runSimulation(
      baseConfig({
        durationMs: 400_000,
        clients: {
          arrivals: { kind: 'poisson', ratePerSec: lambdaPerMs * 1000, startMs: 0, stopMs: Infinity },
          sessionMs: { kind: 'exponential', mean: 5 },
          connectTimeoutMs: 1e9,
          flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 },
        },
        servers: servers(1, { coresPerProcess: cores, handshakeCostMs: { kind: 'exponential', mean: 1 / muPerMs } }),
      }),
    );
    const probabilityOfWaiting = erlangC(cores, lambdaPerMs / muPerMs);
    const expectedWaitMs = probabilityOfWaiting / (cores * muPerMs - lambdaPerMs);
    const waitMs = result.summary['handshake.waitMs.mean'] as number;
    expect(waitMs).toBeGreaterThan(expectedWaitMs * 0.95);
    expect(waitMs).toBeLessThan(expectedWaitMs * 1.05);
    // Erlang C itself: the share of handshakes that found all four cores busy (about 0.60 here).
    expect(result.summary['handshake.waitProbability']).toBeCloseTo(probabilityOfWaiting, 2);
  });

  it('the time average of connected clients obeys Little’s law, L = λ·W', () => {
    const ratePerSec = 50;
    const meanSessionMs = 20_000;
    const durationMs = 2_000_000;
    const result = runSimulation(
      baseConfig({
        durationMs,
        clients: {
          arrivals: { kind: 'poisson', ratePerSec, startMs: 0, stopMs: Infinity },
          sessionMs: { kind: 'exponential', mean: meanSessionMs },
          connectTimeoutMs: 1e9,
          flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 },
        },
      }),
    );
    // M/M/∞ started empty: E[L(t)] = λ·E[S]·(1 − e^(−t/E[S])), averaged over [0, T].
    const lambdaPerMs = ratePerSec / 1000;
    const expected = lambdaPerMs * meanSessionMs * (1 - (meanSessionMs / durationMs) * (1 - Math.exp(-durationMs / meanSessionMs)));
    const s = result.summary;
    expect(s['clients.connected.mean']).toBeGreaterThan(expected * 0.98);
    expect(s['clients.connected.mean']).toBeLessThan(expected * 1.02);
    // Every connected client-ms belongs to a present client: availability is 1 with no faults.
    expect(s.availability).toBeGreaterThan(0.999);
  });
});

describe('a connection cap against the Erlang B formula', () => {
  const cap = 20;
  const offeredErlangs = 16;
  const meanSessionMs = 1000;
  const sessions: [string, SimConfig['clients']['sessionMs']][] = [
    ['exponential', { kind: 'exponential', mean: meanSessionMs }],
    ['lognormal with cv 2', { kind: 'lognormal', mean: meanSessionMs, std: 2 * meanSessionMs }],
    ['constant', { kind: 'constant', value: meanSessionMs }],
  ];
  it.each(sessions)('refuses the Erlang B share of attempts whatever the session distribution (%s)', (_name, sessionMs) => {
    const s = runSimulation(
      baseConfig({
        durationMs: 24_000_000,
        servers: servers(1, { maxConnections: cap, handshakeCostMs: { kind: 'constant', value: 0.001 } }),
        clients: {
          arrivals: { kind: 'poisson', ratePerSec: (offeredErlangs / meanSessionMs) * 1000, startMs: 0, stopMs: Infinity },
          sessionMs,
          connectTimeoutMs: 1e9,
          flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 },
        },
      }),
    ).summary;
    const refusedShare = (s['connect.refused'] as number) / (s['connect.attempts'] as number);
    const expected = erlangB(cap, offeredErlangs);
    expect(s['connect.attempts']).toBeGreaterThan(350_000);
    expect(refusedShare).toBeGreaterThan(expected * 0.95);
    expect(refusedShare).toBeLessThan(expected * 1.05);
  });
});
