import { describe, expect, it } from 'vitest';
import { runRealExperiment, toSimConfig } from '../../src/experiment/index.js';
import { runSimulation } from '../../src/sim/index.js';
import { loadBoth, smallExperiment } from './helpers.js';

describe('maximum connection age on real sockets', () => {
  it('each server closes its connections at an age drawn per connection (1001) and the clients reconnect, about as often as in the sim', async () => {
    const { experiment, config } = loadBoth(
      smallExperiment({
        durationMs: 5000,
        fleet: { servers: 2, server: { profile: 'node-ws-plain', maxConnectionAgeMs: { uniform: { minMs: 1000, maxMs: 2000 } } }, network: { profile: 'loopback' } },
        clients: { arrivals: { ramp: { clients: 100, overMs: 500 } }, reconnect: { constant: { delayMs: 50 } } },
      }),
    );
    const real = (await runRealExperiment(config)).summary;
    const sim = runSimulation(toSimConfig(experiment)).summary;
    const recycled = real['connections.recycled'] as number;
    // About 100 clients × 4.6 s connected / 1.5 s mean age.
    expect(recycled).toBeGreaterThan(200);
    expect(Math.abs(recycled - (sim['connections.recycled'] as number))).toBeLessThan(0.1 * recycled);
    // Each recycled connection is a close under a connected client, which reconnects through its backoff. The
    // servers and the swarms are sampled apart, so a close still on its way at the end is counted by its server only.
    expect(real['connections.dropped']).toBeLessThanOrEqual(recycled);
    expect(real['connections.dropped']).toBeGreaterThanOrEqual(recycled - 3);
    expect(real['connect.succeeded']).toBeGreaterThanOrEqual(100 + recycled - 10);
    expect(real['clients.gaveUp']).toBe(0);
    expect(real['clients.connected.final']).toBeGreaterThanOrEqual(90);
    expect(real.availability).toBeGreaterThan(0.9);
  }, 60_000);

  it('never (the default) recycles nothing', async () => {
    const { config } = loadBoth(smallExperiment({ durationMs: 2000, clients: { arrivals: { ramp: { clients: 20, overMs: 200 } }, reconnect: 'none' } }));
    expect(config.servers.every((s) => s.maxConnectionAgeMs === null)).toBe(true);
    const real = (await runRealExperiment(config)).summary;
    expect(real['connections.recycled']).toBe(0);
    expect(real['clients.connected.final']).toBe(20);
  }, 60_000);
});
