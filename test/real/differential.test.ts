import { afterEach, describe, expect, it } from 'vitest';
import { simStreamKey, toSimConfig } from '../../src/experiment/index.js';
import { RngStreams } from '../../src/engine/index.js';
import { runSimulation } from '../../src/sim/index.js';
import { balancers, type Balancer, type StrategyEntry } from '../../src/strategies/index.js';
import { loadBoth, smallExperiment } from './helpers.js';
import { runRealExperiment } from '../../src/experiment/index.js';
import { seededRng } from '../../src/real/clock.js';

/** Seed 199 spaces the 8 ramp arrivals at least 216 ms apart, so real requests reach the proxy in arrival order. */
const SEED = 199;

const restore: (() => void)[] = [];
afterEach(() => {
  for (const undo of restore.splice(0)) undo();
});

/** Wraps a registry entry so every balancer it creates logs (client id, pick), as the real proxy's pick log does. */
function logPicks(name: string): [number, number][] {
  const log: [number, number][] = [];
  const entry = (balancers as Record<string, StrategyEntry<Balancer>>)[name] as { create: (o: never) => Balancer };
  const original = entry.create;
  entry.create = (options: never): Balancer => {
    const inner = original(options);
    return {
      name: inner.name,
      pick(request, backends, context) {
        const pick = inner.pick(request, backends, context);
        log.push([request.clientId, pick]);
        return pick;
      },
    };
  };
  restore.push(() => {
    entry.create = original;
  });
  return log;
}

describe('sim and real proxy make the same picks for the same seed and inputs', () => {
  it('the real pick stream is the sim balancer stream', () => {
    expect(simStreamKey(3, 'balancer', '0', 'pick')).toBe('3/balancer/0/pick');
    const sim = new RngStreams(3).fork('balancer').fork('0').stream('pick');
    const { config } = loadBoth(smallExperiment({ seed: 3 }));
    expect(config.balancer.pickRngKeys).toEqual(['3/balancer/0/pick']);
    const real = seededRng(config.balancer.pickRngKeys[0] ?? '');
    const draws = Array.from({ length: 5 }, () => [sim.next(), real.next()]);
    for (const [a, b] of draws) expect(b).toBe(a);
  });

  for (const strategy of [{ 'power-of-d': { d: 2, metric: 'connections' } }, { 'consistent-hash': { pointsPerWeight: 40 } }]) {
    const name = Object.keys(strategy)[0] as string;
    it(`${name}: identical decision sequences`, async () => {
      const data = smallExperiment({
        seed: SEED,
        durationMs: 3500,
        fleet: { servers: 3, server: { profile: 'node-ws-plain' }, network: { profile: 'loopback' } },
        balancer: { strategy, healthCheck: { intervalMs: 2000, timeoutMs: 1000, fall: 3, rise: 2 } },
        clients: { arrivals: { ramp: { clients: 8, overMs: 3000 } }, reconnect: 'none' },
      });
      const { experiment, config } = loadBoth(data);
      const simPicks = logPicks(name);
      runSimulation(toSimConfig(experiment));
      restore.splice(0).forEach((undo) => {
        undo();
      });
      const real = await runRealExperiment(config);
      expect(real.summary['connect.succeeded']).toBe(8);
      // Precondition: requests reached the proxy in arrival order, as in the sim.
      expect(real.picks.map(([client]) => client)).toEqual(simPicks.map(([client]) => client));
      expect(real.picks).toEqual(simPicks);
      expect(new Set(simPicks.map(([, pick]) => pick)).size).toBeGreaterThan(1);
    }, 60_000);
  }
});
