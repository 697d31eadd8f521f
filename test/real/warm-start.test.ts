import { describe, expect, it } from 'vitest';
import { runBothWorlds, smallExperiment } from './helpers.js';

const WARM = 60;
const ARRIVING = 30;

describe('warm start on real sockets (clients.initial)', () => {
  it('the initial clients are connected at t = 0, spread by the balancer as the sim spreads them, with arrivals on top and no attempt counted for them', async () => {
    const { sim, real, leftover } = await runBothWorlds(
      smallExperiment({
        seed: 3,
        durationMs: 2500,
        fleet: { servers: 3, server: { profile: 'node-ws-plain' }, network: { profile: 'loopback' } },
        balancer: { strategy: 'least-connections', healthCheck: { intervalMs: 500, timeoutMs: 300, fall: 2, rise: 2 } },
        heartbeat: { 'ping-pong': { intervalMs: 1000, timeoutMs: 1000 } },
        clients: { initial: WARM, arrivals: { ramp: { clients: ARRIVING, overMs: 1500 } }, reconnect: { constant: { delayMs: 200 } } },
      }),
    );
    expect(leftover).toBe(0);
    const rows = real.timeseries.rows;
    const col = (name: string): number => real.timeseries.columns.indexOf(name);
    const first = rows[0] as number[];
    // At the first sample every warm client is connected, whatever the ramp has added on top.
    expect(first[col('clients.connected')]).toBeGreaterThanOrEqual(WARM);
    // Least connections places the warm clients evenly: the proxy's picks for ids below WARM, 20 per server, as in the sim.
    const warmPicks = [0, 0, 0];
    for (const [client, server] of real.picks) if (client < WARM) warmPicks[server] = (warmPicks[server] ?? 0) + 1;
    expect(warmPicks).toEqual([WARM / 3, WARM / 3, WARM / 3]);
    const simFirst = sim.timeseries.rows[0] as number[];
    const simByServer = [0, 1, 2].map((s) => simFirst[sim.timeseries.columns.indexOf(`server.${String(s)}.connections`)] as number);
    expect(Math.max(...simByServer) - Math.min(...simByServer)).toBeLessThanOrEqual(1);
    // Attempts, successes and latencies are the arrivals' only, in both worlds; every client arrived.
    for (const world of [real.summary, sim.summary]) {
      expect(world['clients.arrived']).toBe(WARM + ARRIVING);
      expect(world['connect.attempts']).toBe(ARRIVING);
      expect(world['connect.succeeded']).toBe(ARRIVING);
      expect(world['clients.connected.final']).toBe(WARM + ARRIVING);
    }
    expect(real.summary['connect.latencyMs.count']).toBe(ARRIVING);
    // Connected from t = 0: the mean is above what the arrivals alone could give.
    expect(real.summary['clients.connected.mean'] as number).toBeGreaterThan(WARM);
    // Heartbeats start at the sim's phases (the same draws): a warm connection pings 2 or 3 times in 2.5 s by its
    // phase, about 150 in all, where timers started at connect would give 120; the arrivals add about 40 in both worlds.
    const simPings = sim.summary['heartbeat.pings'] as number;
    expect(simPings).toBeGreaterThan(WARM * 2 + ARRIVING + 15);
    expect(Math.abs((real.summary['heartbeat.pings'] as number) - simPings)).toBeLessThanOrEqual(0.08 * simPings);
  }, 60_000);
});
