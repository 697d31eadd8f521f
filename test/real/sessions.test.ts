import { describe, expect, it } from 'vitest';
import { lastValue, runBothWorlds, smallExperiment } from './helpers.js';

/** 60 clients over 0.5 s on 2 servers, each leaving `sessionMs` after its first connect. */
function sessions(sessionMs: unknown, durationMs: number) {
  return smallExperiment({
    durationMs,
    clients: { arrivals: { ramp: { clients: 60, overMs: 500 } }, reconnect: { constant: { delayMs: 200 } }, sessionMs },
  });
}

describe('sessions that end, on real sockets', () => {
  it('sessions of 2 s in a 5 s run: every client leaves once, closes its connection at the server, and never reconnects', async () => {
    // 2.5 s to spare after the last arrival's session, for connects that are slow on a loaded machine.
    const { sim, real, leftover } = await runBothWorlds(sessions(2000, 5000));
    const s = real.summary;
    expect(s['clients.arrived']).toBe(60);
    expect(s['clients.departed']).toBe(60);
    expect(s['connect.attempts']).toBe(60);
    expect(s['connect.succeeded']).toBe(60);
    expect(s['connections.dropped']).toBe(0);
    expect(s['clients.connected.final']).toBe(0);
    expect(lastValue(real, 'clients.present')).toBe(0);
    expect(lastValue(real, 'server.0.connections') + lastValue(real, 'server.1.connections')).toBe(0);
    // Present about 2 s each of the 5 s (sessions count from the first connect), so about 0.4 of the clients on average.
    expect(s['clients.present.mean']).toBeGreaterThan(60 * 0.36);
    expect(s['clients.present.mean']).toBeLessThan(60 * 0.5);
    for (const key of ['clients.departed', 'connect.attempts', 'clients.connected.final'] as const) expect(s[key]).toBe(sim.summary[key]);
    expect(leftover).toBe(0);
  }, 60_000);

  it('exponential sessions (mean 3 s): the clients whose session ended before the run did leave, the same clients as in the sim', async () => {
    const { sim, real, config, leftover } = await runBothWorlds(sessions({ exponential: { meanMs: 3000 } }, 4000));
    const sessionMs = config.clients.sessionMs ?? [];
    // Connects take a few ms on loopback: a session that ends within 50 ms of the run's end may fall either side.
    const ends = config.clients.arrivalsMs.map((a, i) => a + (sessionMs[i] ?? Infinity));
    const surely = ends.filter((t) => t < 4000 - 50).length;
    const maybe = ends.filter((t) => t < 4000 + 50).length;
    const departed = real.summary['clients.departed'] ?? NaN;
    expect(surely).toBeGreaterThan(30);
    expect(departed).toBeGreaterThanOrEqual(surely);
    expect(departed).toBeLessThanOrEqual(maybe);
    expect(Math.abs(departed - (sim.summary['clients.departed'] ?? NaN))).toBeLessThanOrEqual(maybe - surely);
    expect(real.summary['connect.attempts']).toBe(60);
    expect(real.summary['clients.connected.final']).toBe(60 - departed);
    expect(leftover).toBe(0);
  }, 60_000);
});
