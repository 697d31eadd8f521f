import { describe, expect, it } from 'vitest';
import { runRealExperiment } from '../../src/experiment/index.js';
import { loadBoth, smallExperiment } from './helpers.js';

/** The Redis that `npm test` started for this run (scripts/test.ts), or the reason there is none. */
const testRedisUrl = process.env.WSFLEET_REDIS_URL;
const noTestRedis = process.env.WSFLEET_REDIS_MISSING ?? 'WSFLEET_REDIS_URL is not set (npm test starts a Redis and sets it)';

/** Two servers, 40 subscribers over 4 channels, 40 messages/s; server 0 is killed at 2 s and its clients reconnect to server 1. */
function crashRun(resume: unknown, redisUrl: string | null = null) {
  const { config } = loadBoth(
    smallExperiment({
      durationMs: 5000,
      clients: { arrivals: { ramp: { clients: 40, overMs: 300 } }, reconnect: { constant: { delayMs: 400 } } },
      faults: [{ crash: { server: 0, atMs: 2000 } }],
      messages: { channels: 4, popularityExponent: 0, bytes: 64, backendPerSec: 40, resume, history: { maxMessages: 10_000, ttlMs: 120_000 } },
    }),
  );
  return runRealExperiment({ ...config, redisUrl });
}

describe('pub/sub through the broker on real sockets', () => {
  it('history resume: clients of a crashed server get every message they missed, once and in order', async () => {
    const s = (await crashRun('history')).summary;
    expect(s['messages.published']).toBeGreaterThan(120);
    expect(s['connections.dropped']).toBeGreaterThan(10);
    expect(s['messages.delivered']).toBeGreaterThan(1000);
    expect(s['messages.lost']).toBe(0);
    expect(s['messages.duplicates']).toBe(0);
    expect(s['messages.outOfOrder']).toBe(0);
  }, 60_000);

  it('no resume: what was published while a client was away is lost, and counted', async () => {
    const s = (await crashRun('none')).summary;
    expect(s['connections.dropped']).toBeGreaterThan(10);
    expect(s['messages.lost']).toBeGreaterThan(0);
    expect(s['messages.duplicates']).toBe(0);
  }, 60_000);

  it('backpressure: clients that consume 2 messages/s stop reading, and a 64 KiB drop-newest queue drops for them', async () => {
    const { config } = loadBoth(
      smallExperiment({
        durationMs: 4500,
        clients: { arrivals: { ramp: { clients: 4, overMs: 200 } }, reconnect: 'none', consumePerSec: 2 },
        messages: { channels: 1, bytes: 32_768, backendPerSec: 300, backpressure: 'uwebsockets' },
      }),
    );
    const s = (await runRealExperiment(config)).summary;
    expect(s['messages.dropped']).toBeGreaterThan(0);
    expect(s['messages.delivered']).toBeLessThan(4 * (s['messages.published'] ?? 0));
    expect(s['messages.duplicates']).toBe(0);
  }, 60_000);

  it('Redis broker (--redis): fan-out reaches every subscriber; pub/sub keeps no history, so a crash loses what was missed', async (ctx) => {
    if (testRedisUrl === undefined) return ctx.skip(noTestRedis);
    const s = (await crashRun('history', testRedisUrl)).summary;
    expect(s['messages.published']).toBeGreaterThan(120);
    expect(s['messages.delivered']).toBeGreaterThan(1000);
    expect(s['messages.duplicates']).toBe(0);
    expect(s['messages.lost']).toBeGreaterThan(0);
  }, 60_000);
});
