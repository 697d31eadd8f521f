import { describe, expect, it } from 'vitest';
import { runBothWorlds, smallExperiment } from './helpers.js';

/** Every client long-polls through one proxy to two servers; polls held 300 ms, sessions closed `timeoutMs` after their last answer. */
function pollingRun(strategy: unknown, timeoutMs: number, extra: Record<string, unknown> = {}) {
  return runBothWorlds(
    smallExperiment({
      durationMs: 3000,
      balancer: { strategy, healthCheck: { intervalMs: 500, timeoutMs: 300, fall: 2, rise: 2 } },
      clients: { arrivals: { ramp: { clients: 30, overMs: 500 } }, reconnect: { constant: { delayMs: 100 } } },
      polling: { share: 1, holdMs: 300, sessionTimeoutMs: timeoutMs },
      ...extra,
    }),
  );
}

describe('long polling on real HTTP requests', () => {
  it('sticky (a cookie the proxy sets): no "Session ID unknown", no expired session, and every message reaches its polling client once and in order', async () => {
    const messages = { channels: 3, popularityExponent: 0, bytes: 64, backendPerSec: 60, history: { maxMessages: 10_000, ttlMs: 60_000 } };
    // A 2 s session timeout: a client's next poll leaves at once, well within it even on a loaded machine.
    const { sim, real, leftover } = await pollingRun({ sticky: { inner: 'round-robin' } }, 2000, { messages });
    const s = real.summary;
    expect(leftover).toBe(0);
    expect(s['polling.clients']).toBe(30);
    expect(s['polling.requests']).toBeGreaterThan(100);
    expect(s['polling.sessionUnknown']).toBe(0);
    expect(s['polling.sessionTimeouts']).toBe(0);
    expect(s['connections.dropped']).toBe(0);
    expect(s['clients.connected.final']).toBe(30);
    expect(sim.summary['polling.sessionUnknown']).toBe(0);
    // 60 messages/s over 3 channels, one subscription each: about 20 a second for each of 30 clients.
    expect(s['messages.delivered']).toBeGreaterThan(600);
    expect(s['polling.answeredWithData']).toBeGreaterThan(50);
    expect(s['messages.lost']).toBe(0);
    expect(s['messages.duplicates']).toBe(0);
    expect(s['messages.outOfOrder']).toBe(0);
  }, 60_000);

  it('round-robin: polls land on the server without the session (400 "Session ID unknown"), clients reopen by their backoff, and the orphaned sessions time out for want of a poll', async () => {
    const { sim, real, leftover } = await pollingRun('round-robin', 700);
    const s = real.summary;
    expect(leftover).toBe(0);
    expect(sim.summary['polling.sessionUnknown']).toBeGreaterThan(0);
    const unknown = s['polling.sessionUnknown'] ?? 0;
    expect(unknown).toBeGreaterThan(20);
    // Each 400 is a dropped session the client reopens 100 ms later: one drop, one more attempt (but for the
    // reopens still waiting at the end, at most one per client). Servers and swarms are sampled apart, so a 400
    // on its way to its client at the last sample is counted by the server only.
    expect(s['connections.dropped']).toBeLessThanOrEqual(unknown);
    expect(s['connections.dropped']).toBeGreaterThanOrEqual(unknown - 30);
    expect(s['connect.attempts']).toBeLessThanOrEqual(30 + unknown);
    expect(s['connect.attempts']).toBeGreaterThanOrEqual(unknown);
    // Each 400 leaves one session behind on its own server, which closes it 700 ms after its last answer; those
    // orphaned in the last 700 ms of the run are still open at its end.
    const timeouts = s['polling.sessionTimeouts'] ?? 0;
    expect(timeouts).toBeGreaterThan(0);
    expect(timeouts).toBeLessThanOrEqual(unknown);
  }, 60_000);
});
