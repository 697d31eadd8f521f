import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runRealExperiment } from '../../src/experiment/index.js';
import type { RealMessagesSpec } from '../../src/real/index.js';
import { loadBoth, smallExperiment } from './helpers.js';

const messages = (extra: Partial<RealMessagesSpec>): RealMessagesSpec => ({
  channels: 4,
  publishRatePerSec: 40,
  bytes: 64,
  backpressure: { name: 'unbounded', options: { softLimitBytes: 16_384 } },
  resume: { name: 'history', options: { maxReplay: null } },
  historyMessages: 10_000,
  historyTtlMs: 120_000,
  slowShare: 0,
  slowReadEveryMs: 1000,
  ...extra,
});

/** Two servers, 40 subscribers over 4 channels; server 0 is killed at 2 s and clients reconnect to server 1. */
function crashRun(resume: RealMessagesSpec['resume'], redisUrl: string | null = null) {
  const { config } = loadBoth(
    smallExperiment({
      durationMs: 5000,
      clients: { arrivals: { ramp: { clients: 40, overMs: 300 } }, reconnect: { constant: { delayMs: 400 } } },
      faults: [{ crash: { server: 0, atMs: 2000 } }],
    }),
  );
  return runRealExperiment({ ...config, redisUrl, messages: messages({ resume }) });
}

describe('pub/sub through the broker on real sockets', () => {
  it('history resume: clients of a crashed server get every message they missed, once and in order', async () => {
    const s = (await crashRun({ name: 'history', options: { maxReplay: null } })).summary;
    expect(s['messages.published']).toBeGreaterThan(120);
    expect(s['connections.dropped']).toBeGreaterThan(10);
    expect(s['messages.delivered']).toBeGreaterThan(1000);
    expect(s['messages.lost']).toBe(0);
    expect(s['messages.duplicates']).toBe(0);
    expect(s['messages.outOfOrder']).toBe(0);
  }, 60_000);

  it('no resume: what was published while a client was away is lost, and counted', async () => {
    const s = (await crashRun({ name: 'none', options: {} })).summary;
    expect(s['connections.dropped']).toBeGreaterThan(10);
    expect(s['messages.lost']).toBeGreaterThan(0);
    expect(s['messages.duplicates']).toBe(0);
  }, 60_000);

  it('backpressure: readers that read 5 ms every 2 s overflow a drop-newest queue once the socket buffers are full', async () => {
    const { config } = loadBoth(smallExperiment({ durationMs: 4500, clients: { arrivals: { ramp: { clients: 4, overMs: 200 } }, reconnect: 'none' } }));
    const s = (
      await runRealExperiment({
        ...config,
        messages: messages({ channels: 1, publishRatePerSec: 300, bytes: 32_768, slowShare: 1, slowReadEveryMs: 2000, backpressure: { name: 'drop-newest', options: { limitBytes: 65_536 } } }),
      })
    ).summary;
    expect(s['messages.dropped']).toBeGreaterThan(0);
    expect(s['messages.delivered']).toBeLessThan(4 * (s['messages.published'] ?? 0));
    expect(s['messages.duplicates']).toBe(0);
  }, 60_000);

  const redis = spawnSync('redis-cli', ['-h', '127.0.0.1', 'ping'], { encoding: 'utf8' });
  it.skipIf(redis.stdout.trim() !== 'PONG')('Redis broker (--redis): fan-out reaches every subscriber; pub/sub keeps no history, so a crash loses what was missed', async () => {
    const s = (await crashRun({ name: 'history', options: { maxReplay: null } }, 'redis://127.0.0.1:6379')).summary;
    expect(s['messages.published']).toBeGreaterThan(120);
    expect(s['messages.delivered']).toBeGreaterThan(1000);
    expect(s['messages.duplicates']).toBe(0);
    expect(s['messages.lost']).toBeGreaterThan(0);
  }, 60_000);
});
