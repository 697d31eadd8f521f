import { describe, expect, it } from 'vitest';
import type { Summary } from '../../src/metrics/index.js';
import { runLibraryVariant } from './library.js';

/** The metastable-storm experiment (60,000 clients, 4 servers, one crash at 90 s restarted at 110 s) with one variant. */
function run(reconnect: string, dropAbandoned: boolean): Summary {
  return runLibraryVariant('metastable-storm', [`clients.reconnect=${reconnect}`, `fleet.server.dropAbandonedHandshakes=${String(dropAbandoned)}`, 'durationMs=200000']);
}

describe('a reconnection storm', () => {
  it('keeps a fleet of immediate reconnects collapsed long after the crashed server is back', () => {
    const s = run('immediate', false);
    // The trigger ends at 110 s when the server restarts; at 200 s almost nobody is connected,
    // the cores are busy with handshakes for clients that already gave up, and healthy clients
    // were cut off by late pongs.
    expect(s['clients.connected.final']).toBeLessThan(60_000 * 0.1);
    expect(s['recovery.ms99']).toBe(200_000 - 90_000);
    expect(s['handshake.wasted']).toBeGreaterThan(100_000);
    expect(s['heartbeat.timeouts']).toBeGreaterThan(10_000);
  });

  it('recovers above 99 % within 30 s with full jitter and shedding of abandoned handshakes', () => {
    const s = run('{ full-jitter: { baseMs: 1000, capMs: 30000 } }', true);
    expect(s['clients.connected.final']).toBe(60_000);
    expect(s['recovery.ms99']).toBeLessThanOrEqual(30_000);
    expect(s['heartbeat.timeouts']).toBe(0);
  });

  it('recovers without shedding when the jitter window covers herd ÷ handshake rate; plain exponential comes back in waves', () => {
    // 15,000 clients at about 1,000 handshakes/s on the three survivors: a 10 s base spreads them.
    const jitter = run('{ full-jitter: { baseMs: 10000, capMs: 60000 } }', false);
    const waves = run('{ exponential: { baseMs: 10000, capMs: 60000 } }', false);
    expect(jitter['clients.connected.final']).toBe(60_000);
    expect(jitter['handshake.wasted']).toBe(0);
    expect(jitter['recovery.ms99']).toBeLessThanOrEqual(30_000);
    expect(waves['clients.connected.final']).toBe(60_000);
    expect(waves['handshake.wasted']).toBeGreaterThan(5_000);
    expect(waves['recovery.ms99']).toBeGreaterThan(2 * (jitter['recovery.ms99'] ?? 0));
  });
});
