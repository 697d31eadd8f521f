import { afterEach, describe, expect, it } from 'vitest';
import { toSimConfig } from '../../src/experiment/index.js';
import { RngStreams, seededStream, streamKey } from '../../src/engine/index.js';
import { decisionsOf } from '../../src/metrics/index.js';
import { runSimulation } from '../../src/sim/index.js';
import { admissions, backoffs, balancers, heartbeats, type Admission, type Backoff, type Balancer, type Heartbeat, type StrategyEntry } from '../../src/strategies/index.js';
import { loadBoth, smallExperiment } from './helpers.js';
import { runRealExperiment } from '../../src/experiment/index.js';

/** Seed 199 spaces the 8 ramp arrivals at least 216 ms apart, so real requests reach the proxy in arrival order. */
const SEED = 199;

const restore: (() => void)[] = [];
afterEach(() => {
  for (const undo of restore.splice(0)) undo();
});

/** Replaces a registry entry's factory while a test runs, wrapping each strategy it creates. */
function wrapEntry<T>(registry: object, name: string, wrap: (inner: T) => T): void {
  const entry = (registry as Record<string, StrategyEntry<T>>)[name] as { create: (o: never) => T };
  const original = entry.create;
  entry.create = (options: never): T => wrap(original(options));
  restore.push(() => {
    entry.create = original;
  });
}

function undoWraps(): void {
  restore.splice(0).forEach((undo) => {
    undo();
  });
}

/** Every balancer the sim creates logs (client id, pick), as the real proxy's pick log does. */
function logPicks(name: string): [number, number][] {
  const log: [number, number][] = [];
  wrapEntry<Balancer>(balancers, name, (inner) => ({
    name: inner.name,
    pick(request, backends, context) {
      const pick = inner.pick(request, backends, context);
      log.push([request.clientId, pick]);
      return pick;
    },
  }));
  return log;
}

/** The sim's backoff decisions in the order it draws them: retry and delay (null: gave up). */
function logBackoffs(name: string): [number, number | null][] {
  const log: [number, number | null][] = [];
  wrapEntry<Backoff>(backoffs, name, (inner) => ({
    name: inner.name,
    next(...args: Parameters<Backoff['next']>) {
      const delayMs = inner.next(...args);
      log.push([args[0], delayMs]);
      return delayMs;
    },
  }));
  return log;
}

/** The sim's admission policy decisions in order: admit, and a refusal's hint. */
function logAdmissions(name: string): [boolean, number | null][] {
  const log: [boolean, number | null][] = [];
  wrapEntry<Admission>(admissions, name, (inner) => ({
    name: inner.name,
    admit(view, nowMs, rng) {
      const decision = inner.admit(view, nowMs, rng);
      log.push(decision.kind === 'refuse' ? [false, decision.retryAfterMs] : [true, null]);
      return decision;
    },
  }));
  return log;
}

/**
 * When the sim's heartbeat gives up on a connection. Without lost pongs the only terminations are of
 * flapped connections, which the sim finds by stepping the heartbeat forward (the shared give-up rule).
 */
function logGiveUps(name: string): number[] {
  const log: number[] = [];
  wrapEntry<Heartbeat>(heartbeats, name, (inner) => ({
    ...inner,
    open: (nowMs) => inner.open(nowMs),
    onPong: (phase, nowMs) => inner.onPong(phase, nowMs),
    onTimer(phase, nowMs) {
      const step = inner.onTimer(phase, nowMs);
      if (step.action === 'terminate') log.push(nowMs);
      return step;
    },
  }));
  return log;
}

describe('sim and real proxy make the same picks for the same seed and inputs', () => {
  it('the real pick stream is the sim balancer stream', () => {
    const sim = new RngStreams(3).fork('balancer').fork('0').stream('pick');
    const real = seededStream(streamKey(3, 'balancer', '0', 'pick'));
    const draws = Array.from({ length: 5 }, () => [sim.next(), real.next()]);
    for (const [a, b] of draws) expect(b).toBe(a);
  });

  for (const strategy of [{ 'power-of-d': { d: 2, metric: 'connections' } }, { 'consistent-hash': { pointsPerWeight: 40 } }]) {
    const name = Object.keys(strategy)[0] as string;
    it(`${name}: identical decision sequences`, async () => {
      const data = smallExperiment({
        seed: SEED,
        durationMs: 3500,
        fleet: { servers: 3, server: { profile: 'node-ws-plain' }, network: { profile: 'loopback' } },
        balancer: { strategy, healthCheck: { intervalMs: 2000, timeoutMs: 1000, fall: 3, rise: 2 } },
        clients: { arrivals: { ramp: { clients: 8, overMs: 3000 } }, reconnect: 'none' },
      });
      const { experiment, config } = loadBoth(data);
      const simPicks = logPicks(name);
      runSimulation(toSimConfig(experiment));
      undoWraps();
      const real = await runRealExperiment(config);
      expect(real.summary['connect.succeeded']).toBe(8);
      // Precondition: requests reached the proxy in arrival order, as in the sim.
      expect(real.picks.map(([client]) => client)).toEqual(simPicks.map(([client]) => client));
      expect(real.picks).toEqual(simPicks);
      expect(new Set(simPicks.map(([, pick]) => pick)).size).toBeGreaterThan(1);
    }, 60_000);
  }
});

describe('sim and real make the same rule decisions for the same seed', () => {
  it('admission and backoff: the same refusals, hints, retries, delays and give-ups, draw for draw', async () => {
    const data = smallExperiment({
      seed: SEED,
      durationMs: 9000,
      fleet: { servers: 1, server: { profile: 'node-ws-plain', admission: { 'max-connections': { limit: 3, retryAfterMs: 150, retryAfterJitter: 0 } } }, network: { profile: 'loopback' } },
      balancer: { strategy: 'round-robin', healthCheck: { intervalMs: 2000, timeoutMs: 1000, fall: 3, rise: 2 } },
      clients: { arrivals: { ramp: { clients: 5, overMs: 3000 } }, reconnect: { 'full-jitter': { baseMs: 800, capMs: 3200, maxAttempts: 3 } } },
    });
    const { experiment, config } = loadBoth(data);
    expect(config.swarms).toBeGreaterThan(0);
    const simBackoffs = logBackoffs('full-jitter');
    const simAdmissions = logAdmissions('max-connections');
    runSimulation(toSimConfig(experiment));
    undoWraps();
    const real = await runRealExperiment({ ...config, swarms: 1 });
    const realBackoffs = decisionsOf(real.decisions, 'backoff').map((d) => [d.retry, d.delayMs]);
    const realAdmissions = decisionsOf(real.decisions, 'admission').filter((d) => !d.limit).map((d) => [d.admit, d.retryAfterMs]);
    // Two clients are refused and retry until they give up: the sequences are long enough to mean something.
    expect(simBackoffs.filter(([, delayMs]) => delayMs === null)).toHaveLength(2);
    expect(simAdmissions.filter(([admit]) => !admit).length).toBeGreaterThanOrEqual(6);
    expect(realAdmissions).toEqual(simAdmissions);
    expect(realBackoffs).toEqual(simBackoffs);
  }, 60_000);

  it('health: the same servers marked down and up, in the same order', async () => {
    const data = smallExperiment({
      seed: SEED,
      durationMs: 10_000,
      fleet: { servers: 3, server: { profile: 'node-ws-plain' }, network: { profile: 'loopback' } },
      balancer: { strategy: 'round-robin', healthCheck: { intervalMs: 300, timeoutMs: 200, fall: 2, rise: 2 } },
      clients: { arrivals: { ramp: { clients: 6, overMs: 1000 } }, reconnect: { constant: { delayMs: 300 } } },
      // A restarted process takes seconds to spawn on a busy machine: the second crash waits well after it.
      faults: [{ crash: { server: 1, atMs: 1500, restartAfterMs: 500 } }, { crash: { server: 2, atMs: 8000, restartAfterMs: null } }],
    });
    const { experiment, config } = loadBoth(data);
    const sim = runSimulation(toSimConfig(experiment));
    const simFlips = sim.events
      .filter((e) => e.kind === 'balancer:mark-up' || e.kind === 'balancer:mark-down')
      .map((e) => [Number(/server (\d+)/.exec(e.detail)?.[1]), e.kind === 'balancer:mark-up']);
    const real = await runRealExperiment(config);
    const realFlips = decisionsOf(real.decisions, 'health').map((d) => [d.server, d.healthy]);
    expect(simFlips).toEqual([
      [1, false],
      [1, true],
      [2, false],
    ]);
    expect(realFlips).toEqual(simFlips);
  }, 60_000);

  it('heartbeat closes: the flapped connections, as many as the sim gives up on', async () => {
    const data = smallExperiment({
      seed: SEED,
      durationMs: 8000,
      heartbeat: { 'ping-pong': { intervalMs: 400, timeoutMs: 400 } },
      fleet: { servers: 2, server: { profile: 'node-ws-plain' }, network: { profile: 'loopback' } },
      clients: { arrivals: { ramp: { clients: 6, overMs: 1000 } }, reconnect: { constant: { delayMs: 200 } }, flapsPerHour: 900 },
    });
    const { experiment, config } = loadBoth(data);
    const simGiveUps = logGiveUps('ping-pong');
    runSimulation(toSimConfig(experiment));
    undoWraps();
    const real = await runRealExperiment({ ...config, swarms: 1 });
    const closes = decisionsOf(real.decisions, 'heartbeat-close');
    const simCloses = simGiveUps.filter((atMs) => atMs < experiment.durationMs);
    expect(simCloses.length).toBeGreaterThan(1);
    // Every close was of a connection whose client had flapped (none of a live one) ...
    expect(real.summary['heartbeat.timeouts']).toBe(0);
    // ... and the server gave up on as many as the sim's heartbeat did. A close due in the last second may
    // land after a loaded machine ends the real run, so those near the end may or may not be there.
    const settled = simCloses.filter((atMs) => atMs < experiment.durationMs - 1000).length;
    expect(closes.length).toBeGreaterThanOrEqual(settled);
    expect(closes.length).toBeLessThanOrEqual(simCloses.length);
  }, 60_000);
});
