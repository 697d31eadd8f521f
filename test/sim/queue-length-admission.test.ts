import { describe, expect, it } from 'vitest';
import { simulate, type SimConfig } from '../../src/sim/index.js';
import { DecisionList, decisionsOf } from '../../src/metrics/index.js';
import { baseConfig, serverSpec } from './config.js';

/**
 * Issue 17: a queue-length policy decides when the process's event loop reaches the upgrade request
 * (ws verifyClient, Socket.IO allowRequest), not when the request arrives, and the backlog it sees is
 * what waits behind the request then. A closed case: one single-core server, handshakes of exactly
 * 1 ms, refusals of 0.1 ms, nothing else on the core (no heartbeat, no messages, instant network), and
 * ten requests arriving within 1 µs of 100 ms, limit 3.
 *
 * By hand: request 1 finds the loop idle and nothing behind it (the others are a fraction of a µs
 * away): admitted, its handshake runs 100–101 ms. At 101 ms the loop reaches request 2 with 8 behind
 * it: refused, 0.1 ms; then requests 3–7 with 7, 6, 5, 4, 3 behind: refused, one every 0.1 ms. At
 * 101.6 ms request 8 has 2 behind: admitted (101.6–102.6), then 9 (1 behind) and 10 (none).
 */
const N = 10;
const LIMIT = 3;

function config(admission: SimConfig['servers'][number]['spec']['admission']): SimConfig {
  return baseConfig({
    durationMs: 200,
    servers: [{ name: 'servers', count: 1, spec: serverSpec({ admission, handshakeCostMs: { kind: 'constant', value: 1 }, refusalCostMs: { kind: 'constant', value: 0.1 } }) }],
    clients: { ...baseConfig().clients, arrivals: { kind: 'ramp', clients: N, startMs: 100, overMs: 0.001 }, sessionMs: null },
  });
}

function run(admission: SimConfig['servers'][number]['spec']['admission']) {
  const decisions = new DecisionList();
  const { fleet, result } = simulate(config(admission), { decisions });
  const admissions = decisionsOf(decisions.take(), 'admission');
  const t0 = admissions[0]?.atMs ?? NaN;
  return { fleet, summary: result.summary, admissions, offsets: admissions.map((d) => Math.round((d.atMs - t0) * 1000) / 1000), t0 };
}

describe('queue-length admission decides when the event loop reaches the request (issue 17)', () => {
  const queueLength = { name: 'queue-length', options: { limit: LIMIT, retryAfterMs: 5000, retryAfterJitter: 0 } };

  it('refuses the requests at the front of a burst while the backlog behind them is long, and admits the last ones', () => {
    const r = run(queueLength);
    expect(r.admissions.map((d) => d.client)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.admissions.map((d) => d.admit)).toEqual([true, false, false, false, false, false, false, true, true, true]);
    // Decided as the loop reaches each: 1 ms after the first (its handshake), then one every 0.1 ms (refusals), then 1 ms apart.
    expect(r.offsets).toEqual([0, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 2.6, 3.6]);
    expect(r.t0).toBeGreaterThanOrEqual(100);
    expect(r.t0).toBeLessThan(100.001);
    expect(r.summary['connect.refused.server']).toBe(N - 4);
    expect(r.summary['clients.connected.final']).toBe(4);
  });

  it('charges each refusal 0.1 ms of the core in FIFO order, and counts no refusal as a handshake', () => {
    const r = run(queueLength);
    const server = r.fleet.servers[0];
    expect(server?.refusalCpuMs).toBeCloseTo(0.6, 9);
    expect(server?.handshakeCpuMs).toBe(4);
    // The core was busy without a gap from the first request to the last handshake: 4 × 1 ms + 6 × 0.1 ms.
    expect(server?.busyMs(200)).toBeCloseTo(4.6, 9);
    // Only the four admitted handshakes are in the wait distribution: 0, then about 1.6, 2.6 and 3.6 ms.
    expect(r.fleet.world.handshakeWait.samples).toBe(4);
    expect(r.summary['handshake.waitMs.max']).toBeGreaterThan(3.59);
    expect(r.summary['handshake.waitMs.max']).toBeLessThanOrEqual(3.6);
  });

  it('decides a policy that does not read the backlog when the request arrives, as before', () => {
    const r = run({ name: 'accept-all', options: {} });
    expect(r.admissions.every((d) => d.admit)).toBe(true);
    expect(Math.max(...r.offsets)).toBeLessThanOrEqual(0.001);
    expect(r.summary['clients.connected.final']).toBe(N);
  });

  it('asks the same inside all-of', () => {
    const r = run({ name: 'all-of', options: { policies: ['max-connections', { 'queue-length': queueLength.options }] } });
    expect(r.admissions.map((d) => d.admit)).toEqual([true, false, false, false, false, false, false, true, true, true]);
  });
});
