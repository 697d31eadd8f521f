import { describe, expect, it } from 'vitest';
import { formatIssues, parseExperiment, toRealConfig } from '../../src/experiment/index.js';
import { runSimulation, type BrowserSpec, type PollingSpec, type SimConfig } from '../../src/sim/index.js';
import type { Summary } from '../../src/metrics/index.js';
import { baseConfig, messages, servers } from './config.js';

/**
 * Users' browser tabs (`clients.browser`). The exact cases: one user already connected at t = 0
 * (a warm start), every tab on long polling, one server, 20 ms each way, no poll CPU and no
 * messages, so every poll is held the full 25 s and comes back 25,040 ms after it left.
 */
const constant = (value: number) => ({ kind: 'constant', value }) as const;
const HOLD = 25_000;
const ROUND_TRIP = 40;
const polling = (overrides: Partial<PollingSpec> = {}): PollingSpec => ({ share: 1, holdMs: HOLD, sessionTimeoutMs: 45_000, sessions: 'local', sharedLookupMs: 1, farm: null, ...overrides });

function oneUser(browser: BrowserSpec, durationMs: number): SimConfig {
  return baseConfig({
    durationMs,
    servers: servers(1, { pollRequestCostMs: constant(0) }),
    network: { clientLatencyMs: constant(20), backendLatencyMs: constant(0), downlinkBytesPerSec: constant(1_250_000), pathBufferBytes: 131_072 },
    clients: { initial: 1, browser, arrivals: { kind: 'ramp', clients: 0, startMs: 0, overMs: 1000 }, sessionMs: null, connectTimeoutMs: 20_000, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: constant(1000) },
    reconnect: { name: 'full-jitter', options: { baseMs: 500, capMs: 20_000 } },
    polling: polling(),
  });
}

/**
 * 300 users over 10 s on four servers, half of them on long polling, with backend and client publishes;
 * `quiet`: only rare client publishes on 1,000 equally popular channels, so most polls are held.
 */
function fleet(browser: BrowserSpec | null, share = 0.5, quiet = false): SimConfig {
  return baseConfig({
    seed: 5,
    durationMs: 30_000,
    servers: servers(4),
    network: { clientLatencyMs: { kind: 'uniform', min: 10, max: 40 }, backendLatencyMs: constant(0.5), downlinkBytesPerSec: constant(1_250_000), pathBufferBytes: 131_072 },
    clients: { ...(browser === null ? {} : { browser }), arrivals: { kind: 'ramp', clients: 300, startMs: 0, overMs: 10_000 }, sessionMs: null, connectTimeoutMs: 20_000, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: constant(1000) },
    heartbeat: { name: 'ping-pong', options: { intervalMs: 25_000, timeoutMs: 20_000 } },
    reconnect: { name: 'full-jitter', options: { baseMs: 500, capMs: 20_000 } },
    balancer: { ...baseConfig().balancer, strategy: { name: 'sticky', options: { by: 'client', inner: 'least-connections' } } },
    messages: quiet ? messages({ channels: 1000, popularityExponent: 0, clientPerSec: constant(0.01) }) : messages({ channels: 20, backendPerSec: 20, clientPerSec: constant(0.05) }),
    polling: share === 0 ? null : polling({ share }),
  });
}

const tabs = (n: number, shareConnection = false): BrowserSpec => ({ tabs: n, perHostConnections: 6, shareConnection });
const withoutBrowser = (s: Summary): Summary => Object.fromEntries(Object.entries(s).filter(([k]) => !k.startsWith('browser.'))) as Summary;

describe('browser tabs and the per-host connection pool (clients.browser)', () => {
  it('changes nothing with one tab per user: every summary metric equals the run without the setting', () => {
    const plain = runSimulation(fleet(null)).summary;
    const oneTab = runSimulation(fleet(tabs(1))).summary;
    // The one difference is bookkeeping: a POST's answer is an event that frees its connection.
    expect({ ...withoutBrowser(oneTab), 'events.processed': 0 }).toEqual({ ...plain, 'events.processed': 0 });
    expect(oneTab['browser.users']).toBe(300);
    expect(oneTab['browser.requestsQueued']).toBe(0);
  });

  it('makes the 7th and 8th long-polling tab wait until the first polls come back (20 ms out, 25 s held, 20 ms back)', () => {
    const s = runSimulation(oneUser(tabs(8), 30_000)).summary;
    // At t = 0 tabs 0–5 take the six connections and tabs 6 and 7 wait; at 25,040 ms tabs 0 and 1's polls
    // come back and hand their connections to tabs 6 and 7, and every re-poll finds the pool full again.
    expect(s['browser.requestWaitMs.max']).toBe(HOLD + ROUND_TRIP);
    expect(s['browser.requests']).toBe(8 + 6);
    expect(s['browser.requestsQueued']).toBe(2 + 6);
    expect(s['polling.sessionTimeouts']).toBe(0);
  });

  it('waits for nothing with six tabs: each poll has a connection of its own', () => {
    const s = runSimulation(oneUser(tabs(6), 60_000)).summary;
    expect(s['browser.requestsQueued']).toBe(0);
    expect(s['browser.requestWaitMs.max']).toBe(0);
  });

  it('keeps twelve tabs alive but loses the 13th: its first poll would wait two holds, and the server closes its session at 45 s', () => {
    const twelve = runSimulation(oneUser(tabs(12), 60_000)).summary;
    expect(twelve['polling.sessionTimeouts']).toBe(0);
    expect(twelve['browser.requestWaitMs.max']).toBe(HOLD + ROUND_TRIP);
    const thirteen = runSimulation(oneUser(tabs(13), 60_000)).summary;
    expect(thirteen['polling.sessionTimeouts']).toBe(1);
    expect(thirteen['connections.dropped']).toBe(1);
  });

  it('makes a long-polling tab’s sends wait behind held polls when its tabs hold every connection', () => {
    // Five tabs leave one connection for sends; six hold all six with polls, so a send waits for a poll to come back.
    const five = runSimulation(fleet(tabs(5), 1, true)).summary;
    const six = runSimulation(fleet(tabs(6), 1, true)).summary;
    expect(five['browser.requestWaitMs.max']).toBeLessThan(100);
    expect(six['browser.requestsQueued']).toBeGreaterThan(500);
    expect(six['browser.requestWaitMs.p99']).toBeGreaterThan(10_000);
    // A poll comes back at most a hold and a round trip (up to 2 × 40 ms) after it left.
    expect(six['browser.requestWaitMs.max']).toBeLessThanOrEqual(HOLD + 2 * 40);
  });

  it('opens a server connection per tab, and one per user when the tabs share it; WebSocket tabs never use the pool', () => {
    const perTab = runSimulation(fleet(tabs(4), 0)).summary;
    const shared = runSimulation(fleet(tabs(4, true), 0)).summary;
    expect(perTab['clients.connected.final']).toBe(4 * 300);
    expect(perTab['browser.connectionsPerUser']).toBe(4);
    expect(perTab['browser.requests']).toBe(0);
    expect(shared['clients.connected.final']).toBe(300);
    expect(shared['browser.connectionsPerUser']).toBe(1);
    expect(shared['browser.tabs']).toBe(4 * 300);
  });

  it('is deterministic: the same seed gives the same summary', () => {
    const a = runSimulation(fleet(tabs(8), 0.5, true)).summary;
    const b = runSimulation(fleet(tabs(8), 0.5, true)).summary;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a['browser.requestsQueued']).toBeGreaterThan(0);
  });
});

const yaml = (browser: string): string => `
name: tabs
question: how many tabs?
seed: 1
durationMs: 10000
fleet: { servers: 1, server: { profile: node-ws-plain } }
clients:
  arrivals: { ramp: { clients: 10, overMs: 1000 } }
  sessionMs: forever
  browser: ${browser}
`;

describe('clients.browser in experiment files', () => {
  it('is validated with its path and what was expected', () => {
    const bad = parseExperiment(yaml('{ tabs: 0 }'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(formatIssues(bad.issues)).toMatch(/clients\.browser\.tabs/);
    const unknown = parseExperiment(yaml('{ tabs: 2, perHost: 6 }'));
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(formatIssues(unknown.issues)).toMatch(/perHost/);
  });

  it('defaults to Chrome’s and Firefox’s six connections per host, not shared', () => {
    const loaded = parseExperiment(yaml('{ tabs: 3 }'));
    if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
    expect(loaded.experiment.clients.browser).toEqual({ tabs: 3, perHostConnections: 6, shareConnection: false });
  });

  it('is refused in real mode, by path', () => {
    const loaded = parseExperiment(yaml('{ tabs: 3 }'));
    if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
    const real = toRealConfig(loaded.experiment, 'tabs.yaml');
    expect(real.ok).toBe(false);
    if (!real.ok) expect(formatIssues(real.issues)).toMatch(/clients\.browser: expected null in real mode/);
  });
});
