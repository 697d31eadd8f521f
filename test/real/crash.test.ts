import { describe, expect, it } from 'vitest';
import { lastValue, runRealData, smallExperiment } from './helpers.js';

describe('a real crash', () => {
  it('SIGKILL of a server: its clients reconnect through the proxy and all are connected again', async () => {
    const result = await runRealData(
      smallExperiment({
        durationMs: 7000,
        clients: { arrivals: { ramp: { clients: 200, overMs: 1000 } }, reconnect: { exponential: { baseMs: 200, capMs: 1000 } } },
        faults: [{ crash: { server: 0, atMs: 2000 } }],
      }),
    );
    const s = result.summary;
    expect(s['clients.connected.final']).toBe(200);
    // Round-robin put about half on server 0; every one of them was reset and came back on server 1.
    expect(s['connections.dropped']).toBeGreaterThanOrEqual(80);
    expect(lastValue(result, 'server.0.up')).toBe(0);
    expect(lastValue(result, 'server.1.connections')).toBe(200);
    expect(result.events.map((e) => e.kind)).toContain('server:crash');
    expect(result.events.some((e) => e.kind === 'balancer:mark-down' && e.detail.startsWith('server 0'))).toBe(true);
    expect(s['recovery.ms99']).toBeGreaterThan(0);
    expect(s['recovery.ms99']).toBeLessThan(5000);
  }, 60_000);

  it('a crashed server restarts after the delay and takes new connections again', async () => {
    const result = await runRealData(
      smallExperiment({
        durationMs: 5000,
        clients: { arrivals: { ramp: { clients: 40, overMs: 500 } }, reconnect: { constant: { delayMs: 100 } } },
        faults: [{ crash: { server: 1, atMs: 1000, restartAfterMs: 1000 } }],
      }),
    );
    expect(result.summary['clients.connected.final']).toBe(40);
    expect(result.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['server:crash', 'server:restart']));
    expect(lastValue(result, 'server.1.up')).toBe(1);
  }, 60_000);
});
