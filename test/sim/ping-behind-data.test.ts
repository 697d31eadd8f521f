import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssues, parseExperiment, runExperiment } from '../../src/experiment/index.js';

/**
 * experiments/validation/slow-consumer-drops.yaml (100 clients, a fifth of them reading 5 of 100 messages
 * a second) with Engine.IO's 25 s / 20 s pings and the 9.77 MB loopback path real mode measured: on real
 * sockets (README, Real mode) the heartbeat closed each of the 21 slow clients, because a ping waits
 * behind the data already queued for its client.
 */
const FILE = new URL('../../experiments/validation/slow-consumer-drops.yaml', import.meta.url);
const text = (consume: string): string =>
  readFileSync(FILE, 'utf8')
    .replace('heartbeat: { ping-pong: { intervalMs: 120000, timeoutMs: 60000 } }', 'heartbeat: { ping-pong: { intervalMs: 25000, timeoutMs: 20000 } }')
    .replace('pathBufferBytes: 8000000', 'pathBufferBytes: 10244587')
    .replace('consumePerSec: { empirical: { values: [5, 1000], weights: [1, 4] } }', `consumePerSec: ${consume}`);

function run(consume: string) {
  const loaded = parseExperiment(text(consume));
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  return runExperiment(loaded.experiment);
}

describe('pings queue behind data', () => {
  it('closes the slow consumers by heartbeat (21 on real sockets), and only them', () => {
    const slow = run('{ empirical: { values: [5, 1000], weights: [1, 4] } }');
    expect(slow.summary['heartbeat.timeouts']).toBe(21);
    expect(slow.summary['connections.dropped']).toBe(21);
    // The same feed to clients that all keep up: every ping is answered in time.
    const fast = run('1000');
    expect(fast.summary['heartbeat.timeouts']).toBe(0);
    expect(fast.summary['heartbeat.pongs']).toBe(fast.summary['heartbeat.pings']);
  });
});
