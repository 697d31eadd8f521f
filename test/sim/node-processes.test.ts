import { describe, expect, it } from 'vitest';
import type { Summary } from '../../src/metrics/index.js';
import { runLibraryVariant } from './library.js';

/** node-single-process (one server, 40,000 clients, a crash at 120 s restarted at 150 s) with `processes` Node processes, to 200 s. */
const run = (processes: number): Summary => runLibraryVariant('node-single-process', [`fleet.server.processes=${String(processes)}`, 'durationMs=200000']);

describe('one Node process on a big server', () => {
  it('queues the reconnect herd on one core; eight processes serve it at once', () => {
    const one = run(1);
    const eight = run(8);
    expect(one['clients.connected.final']).toBe(40_000);
    expect(eight['clients.connected.final']).toBe(40_000);
    expect(one['handshake.waitMs.p99']).toBeGreaterThan(10_000);
    expect(eight['handshake.waitMs.p99']).toBeLessThan(100);
    expect(one['connect.latencyMs.p99']).toBeGreaterThan(50 * (eight['connect.latencyMs.p99'] ?? 0));
  });
});
