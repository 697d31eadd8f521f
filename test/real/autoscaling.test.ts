import { describe, expect, it } from 'vitest';
import { runBothWorlds, smallExperiment } from './helpers.js';

describe('autoscaling on real processes', () => {
  it('a crowd grows the fleet from min, the new servers take connections, the quiet after it drains servers and their clients reconnect elsewhere', async () => {
    const { sim, real, leftover } = await runBothWorlds(
      smallExperiment({
        seed: 5,
        durationMs: 10_000,
        sampleIntervalMs: 250,
        fleet: { servers: 1, server: { profile: 'node-ws-plain' }, network: { profile: 'loopback' } },
        balancer: { strategy: 'least-connections', healthCheck: { intervalMs: 200, timeoutMs: 150, fall: 2, rise: 1 } },
        // 40 clients a second for 6 s, each staying about 2 s: about 80 connected from 2 s on, then the crowd thins.
        clients: { arrivals: { ramp: { clients: 240, overMs: 6000 } }, sessionMs: { exponential: { meanMs: 2000 } }, reconnect: { constant: { delayMs: 100 } } },
        // A new process takes 0.2-2.5 s to listen on this shared machine; it counts into provisionMs.
        autoscaling: { metric: 'connections', target: 30, min: 1, max: 3, intervalMs: 500, provisionMs: 1500, cooldownMs: 1500, drainMs: 500 },
      }),
    );
    expect(leftover).toBe(0);
    const s = real.summary;
    const kinds = real.events.map((e) => e.kind);
    // Grown from 1 to the cap (about 100 connections over a target of 30), then shrunk.
    expect(s['autoscaler.scaleOuts'] as number).toBeGreaterThanOrEqual(1);
    expect(s['autoscaler.servers.peak']).toBe(3);
    expect(s['autoscaler.scaleIns'] as number).toBeGreaterThanOrEqual(1);
    expect(s['autoscaler.servers.final'] as number).toBeLessThan(3);
    expect(kinds.filter((k) => k === 'server:join').length).toBe(2);
    expect(kinds).toContain('autoscaler:drain');
    // After a join, the joined servers' share is measured as in the sim.
    expect(s['scaleOut.joinedShare.final']).toBeDefined();
    expect(s['scaleOut.msToFairShare'] as number).toBeGreaterThan(0);
    // The joined servers took connections: new arrivals went to them.
    const peakOf = (server: number): number => {
      const c = real.timeseries.columns.indexOf(`server.${String(server)}.connections`);
      return real.timeseries.rows.reduce((m, row) => Math.max(m, row[c] as number), 0);
    };
    expect(peakOf(1)).toBeGreaterThan(5);
    expect(peakOf(2)).toBeGreaterThan(5);
    // A drained server's clients reconnected to another server, and nobody was left behind.
    expect(s['clients.moved'] as number).toBeGreaterThan(0);
    expect(s['clients.gaveUp']).toBe(0);
    expect(s['clients.connected.final']).toBe(s['clients.arrived'] as number - (s['clients.departed'] as number));
    // The same rule in the model: the same peak and a scale-in too.
    expect(sim.summary['autoscaler.servers.peak']).toBe(3);
    expect(sim.summary['autoscaler.scaleIns'] as number).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
