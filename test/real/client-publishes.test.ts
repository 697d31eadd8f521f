import { describe, expect, it } from 'vitest';
import { runBothWorlds, smallExperiment, sumAfter } from './helpers.js';

/** 20 clients over 0.3 s on 2 servers, all on both of 2 channels, publishing at `clientPerSec` each for 4 s. */
function publishers(clientPerSec: unknown, backendPerSec: number) {
  return smallExperiment({
    durationMs: 4000,
    clients: { arrivals: { ramp: { clients: 20, overMs: 300 } }, reconnect: { constant: { delayMs: 200 } } },
    messages: { channels: 2, popularityExponent: 0, subscriptionsPerClient: 2, bytes: 64, backendPerSec, clientPerSec },
  });
}

describe('client publishes on real sockets', () => {
  it('5 publishes/s per client, no backend: counted, through the broker to every subscriber, none lost; as many as the sim within noise', async () => {
    const { sim, real, leftover } = await runBothWorlds(publishers(5, 0));
    const s = real.summary;
    const fromClients = s['messages.fromClients'] ?? NaN;
    // 20 clients × 5/s × about 3.8 s connected: 380, Poisson (sd about 20).
    expect(fromClients).toBeGreaterThan(300);
    expect(fromClients).toBeLessThan(460);
    // Every client frame the servers read reaches the broker, but for one still on its way there at the last sample.
    expect(s['messages.published']).toBeLessThanOrEqual(fromClients);
    expect(s['messages.published']).toBeGreaterThanOrEqual(fromClients - 3);
    // The sim looks at the population at least once a second, so with nobody connected at 0 its client publishes
    // start at 1 s: the worlds are compared from then on.
    expect(Math.abs(sumAfter(real, 'messages.published', 1000) / sumAfter(sim, 'messages.published', 1000) - 1)).toBeLessThan(0.2);
    // Every client is on both channels: each publish reaches all 20, the publisher included, but for the few sent
    // before the last clients subscribed or still on their way at the last sample (about 100 a second go out).
    expect(s['messages.delivered']).toBeGreaterThanOrEqual(20 * (fromClients - 15));
    expect(s['messages.delivered']).toBeLessThanOrEqual(20 * fromClients);
    expect(s['messages.lost']).toBe(0);
    expect(s['messages.duplicates']).toBe(0);
    expect(s['frames.data']).toBe((s['messages.sent'] ?? NaN) + fromClients);
    expect(leftover).toBe(0);
  }, 60_000);

  it('a rate drawn per client (a quarter publish 20/s, the rest never) beside backend publishes: the drawn rates are the ones published at', async () => {
    const { sim, real, config, leftover } = await runBothWorlds(publishers({ empirical: { values: [0, 20], weights: [0.75, 0.25] } }, 10));
    const rates = config.messages?.clientPublishPerSec ?? [];
    expect(rates.every((r) => r === 0 || r === 20)).toBe(true);
    const busy = rates.filter((r) => r === 20).length;
    expect(busy).toBeGreaterThan(0);
    expect(busy).toBeLessThan(20);
    const s = real.summary;
    const fromClients = s['messages.fromClients'] ?? NaN;
    const expected = busy * 20 * 3.8;
    expect(Math.abs(fromClients / expected - 1)).toBeLessThan(0.2);
    expect(Math.abs(sumAfter(real, 'messages.published', 1000) / sumAfter(sim, 'messages.published', 1000) - 1)).toBeLessThan(0.2);
    // Backend publishes (10/s) and client publishes both reach the broker.
    expect(s['messages.published']).toBeGreaterThan(fromClients + 30);
    expect(s['messages.lost']).toBe(0);
    expect(s['messages.duplicates']).toBe(0);
    expect(leftover).toBe(0);
  }, 60_000);
});
