import { describe, expect, it } from 'vitest';
import { runBothWorlds, smallExperiment } from './helpers.js';

/** 30 clients over 0.3 s on 2 servers, `subscriptionsPerClient` channels each, 40 backend messages/s for 4 s. */
function subscribers(channels: number, popularityExponent: number) {
  return smallExperiment({
    durationMs: 4000,
    clients: { arrivals: { ramp: { clients: 30, overMs: 300 } }, reconnect: { constant: { delayMs: 200 } } },
    messages: { channels, popularityExponent, subscriptionsPerClient: 3, bytes: 64, backendPerSec: 40 },
  });
}

describe('several subscriptions per client, on real sockets', () => {
  it('3 channels, 3 subscriptions each: every client gets every message published after it subscribed, once and in order', async () => {
    const { sim, real, config, leftover } = await runBothWorlds(subscribers(3, 0));
    expect(config.messages?.channelsOf.every((chs) => [...chs].sort().join() === '0,1,2')).toBe(true);
    const s = real.summary;
    const published = s['messages.published'] ?? NaN;
    expect(published).toBeGreaterThan(140);
    // Subscribed by 0.4 s at the latest: at most the first 16 messages come before a client's subscriptions.
    expect(s['messages.delivered']).toBeLessThanOrEqual(30 * published);
    expect(s['messages.delivered']).toBeGreaterThanOrEqual(30 * (published - 16));
    expect(s['messages.lost']).toBe(0);
    expect(s['messages.duplicates']).toBe(0);
    expect(s['messages.outOfOrder']).toBe(0);
    expect(sim.summary['messages.lost']).toBe(0);
    expect(leftover).toBe(0);
  }, 60_000);

  it('10 channels by popularity (Zipf 1), 3 distinct subscriptions each: no loss, deliveries per message within 15 % of the sim', async () => {
    const { sim, real, config, leftover } = await runBothWorlds(subscribers(10, 1));
    const channelsOf = config.messages?.channelsOf ?? [];
    expect(channelsOf).toHaveLength(30);
    expect(channelsOf.every((chs) => chs.length === 3 && new Set(chs).size === 3)).toBe(true);
    const s = real.summary;
    expect(s['messages.lost']).toBe(0);
    expect(s['messages.duplicates']).toBe(0);
    // Deliveries per published message depend on which channels hold the subscribers: within 15 % of the sim.
    const perMessage = (x: typeof s): number => (x['messages.delivered'] ?? NaN) / (x['messages.published'] ?? NaN);
    expect(Math.abs(perMessage(s) / perMessage(sim.summary) - 1)).toBeLessThan(0.15);
    expect(leftover).toBe(0);
  }, 60_000);
});
