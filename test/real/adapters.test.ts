import { describe, expect, it } from 'vitest';
import { lastValue, runRealData, smallExperiment } from './helpers.js';

describe('strategies through the real adapters', () => {
  it('admission: a full server answers 503 with retry-after, and the client backoff honours it', async () => {
    const result = await runRealData(
      smallExperiment({
        durationMs: 5000,
        fleet: {
          servers: 1,
          server: { profile: 'node-ws-plain', admission: { 'max-connections': { limit: 5, retryAfterMs: 1000, retryAfterJitter: 0 } } },
          network: { profile: 'loopback' },
        },
        clients: { arrivals: { ramp: { clients: 10, overMs: 200 } }, reconnect: { constant: { delayMs: 50 } } },
      }),
    );
    const s = result.summary;
    expect(s['clients.connected.final']).toBe(5);
    expect(s['connect.refused.server']).toBeGreaterThan(0);
    // Five refused clients retrying for about 4.8 s: every 1 s with the hint, every 50 ms without it.
    expect(s['connect.refused']).toBeGreaterThanOrEqual(5 * 3);
    expect(s['connect.refused']).toBeLessThanOrEqual(5 * 6);
    expect(s['connect.attempts']).toBe((s['connect.refused'] ?? NaN) + 5);
  }, 60_000);

  it('heartbeat: clients of a SIGSTOPped server time out its pings and move to the other server', async () => {
    const result = await runRealData(
      smallExperiment({
        durationMs: 6000,
        heartbeat: { 'ping-pong': { intervalMs: 500, timeoutMs: 500 } },
        balancer: { strategy: 'round-robin', healthCheck: { mode: 'http', intervalMs: 300, timeoutMs: 200, fall: 2, rise: 2 } },
        clients: { arrivals: { ramp: { clients: 40, overMs: 500 } }, reconnect: { constant: { delayMs: 300 } } },
        faults: [{ hang: { server: 0, atMs: 1500, durationMs: 60_000 } }],
      }),
    );
    const s = result.summary;
    expect(s['heartbeat.pings']).toBeGreaterThan(0);
    // About 20 clients were on server 0; each noticed the silence (no ping within 1 s) and reconnected.
    expect(s['heartbeat.clientTimeouts']).toBeGreaterThanOrEqual(15);
    expect(s['clients.connected.final']).toBe(40);
    expect(lastValue(result, 'server.1.connections')).toBe(40);
    expect(result.events.some((e) => e.kind === 'balancer:mark-down' && e.detail.startsWith('server 0'))).toBe(true);
  }, 60_000);

  it('shedding: connections above the limit are closed in the shedder order and reconnect elsewhere', async () => {
    const result = await runRealData(
      smallExperiment({
        durationMs: 3500,
        fleet: {
          servers: 2,
          server: { profile: 'node-ws-plain', shedding: { strategy: 'newest-first', limit: 8, intervalMs: 300 } },
          network: { profile: 'loopback' },
        },
        balancer: { strategy: 'least-connections', healthCheck: { intervalMs: 500, timeoutMs: 300, fall: 2, rise: 2 } },
        clients: { arrivals: { ramp: { clients: 20, overMs: 300 } }, reconnect: { constant: { delayMs: 100 } } },
      }),
    );
    expect(result.summary['connections.shed']).toBeGreaterThan(0);
    expect(lastValue(result, 'server.0.connections')).toBeLessThanOrEqual(10);
    expect(lastValue(result, 'server.1.connections')).toBeLessThanOrEqual(10);
  }, 60_000);
});
