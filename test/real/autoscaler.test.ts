import { describe, expect, it } from 'vitest';
import type { TypedRunEvent } from '../../src/metrics/index.js';
import { RealAutoscaler, type AutoscaledFleet } from '../../src/real/autoscaler.js';

/** A fleet of four slots driven by hand: metrics set by the test, timers kept in a list, actions logged. */
function fakeFleet(metric: 'connections' | 'cpu') {
  const log: string[] = [];
  const timers: { atMs: number; action: () => void }[] = [];
  const state = { nowMs: 0, up: [true, false, false, false], value: [0, 0, 0, 0], evaluations: 0 };
  const fleet: AutoscaledFleet = {
    nowMs: () => state.nowMs,
    isUp: (s) => state.up[s] === true,
    metric: (s) => state.value[s] ?? 0,
    evaluated: () => { state.evaluations++; },
    spawn: (s) => {
      log.push(`spawn ${String(s)}`);
      return Promise.resolve();
    },
    join: (s) => {
      state.up[s] = true;
      log.push(`join ${String(s)} at ${String(state.nowMs)}`);
    },
    drain: (s, windowMs) => log.push(`drain ${String(s)} over ${String(windowMs)}`),
    stop: (s) => {
      state.up[s] = false;
      log.push(`stop ${String(s)} at ${String(state.nowMs)}`);
    },
    schedule: (atMs, action) => timers.push({ atMs, action }),
    record: (e: TypedRunEvent) => log.push(e.kind),
  };
  const spec = { metric, target: 100, min: 1, max: 4, intervalMs: 1000, provisionMs: 2000, cooldownMs: 3000, drainMs: 500, initial: 1 };
  const scaler = new RealAutoscaler(spec, 4, fleet);
  /** Advances to `atMs`, running the timers due by then. */
  const advance = async (atMs: number): Promise<void> => {
    for (const t of timers.filter((x) => x.atMs <= atMs).sort((a, b) => a.atMs - b.atMs)) {
      timers.splice(timers.indexOf(t), 1);
      state.nowMs = t.atMs;
      t.action();
      await Promise.resolve();
      await Promise.resolve();
    }
    state.nowMs = atMs;
  };
  return { scaler, state, log, advance };
}

describe('the real autoscaler (the shared rule acting on processes)', () => {
  it('spawns at the decision, joins provisionMs later, counts the cooldown between samples and drains the newest', async () => {
    const { scaler, state, log, advance } = fakeFleet('connections');
    expect(scaler.active()).toEqual([0]);
    state.value = [250, 0, 0, 0];
    // The 1 s sample, evaluated once gathered, 10 ms later.
    state.nowMs = 1010;
    scaler.evaluate(1000);
    // ceil(1 × 250 / 100) = 3: two spares, spawned now, joined provisionMs after the decision.
    expect(log).toEqual(['autoscaler:scale-out', 'spawn 1', 'spawn 2']);
    expect(scaler.active()).toEqual([0, 1, 2]);
    await advance(3009);
    expect(log.filter((l) => l.startsWith('join'))).toEqual([]);
    await advance(3010);
    expect(log.filter((l) => l.startsWith('join'))).toEqual(['join 1 at 3010', 'join 2 at 3010']);
    // Quiet: wanted 1, but the cooldown (3 s from the 1 s sample) holds until the 4 s sample, which is evaluated
    // 5 ms after it: 2,995 ms after the decision's own evaluation, 3,000 between the samples.
    state.value = [10, 10, 10, 0];
    state.nowMs = 3990;
    scaler.evaluate(3500);
    expect(scaler.scaleIns).toBe(0);
    state.nowMs = 4005;
    scaler.evaluate(4000);
    expect(scaler.scaleIns).toBe(1);
    expect(log.slice(-5)).toEqual(['autoscaler:scale-in', 'autoscaler:drain', 'drain 2 over 500', 'autoscaler:drain', 'drain 1 over 500']);
    expect(scaler.active()).toEqual([0]);
    await advance(4505);
    expect(log.slice(-2)).toEqual(['stop 2 at 4505', 'stop 1 at 4505']);
    expect([scaler.scaleOuts, scaler.peakActive, state.evaluations]).toEqual([1, 3, 3]);
  });

  it('at max it adds nothing more, and a spare comes back after its drain', async () => {
    const { scaler, state, log, advance } = fakeFleet('cpu');
    state.value = [10_000, 0, 0, 0];
    scaler.evaluate(1000);
    expect(scaler.active()).toEqual([0, 1, 2, 3]);
    scaler.evaluate(2000);
    expect(scaler.scaleOuts).toBe(1);
    await advance(3000);
    state.value = [0, 0, 0, 0];
    scaler.evaluate(4000);
    expect(scaler.active()).toEqual([0]);
    await advance(4500);
    state.value = [150, 0, 0, 0];
    scaler.evaluate(5000);
    // The lowest spare is server 1 again, drained and stopped before.
    expect(log.at(-1)).toBe('spawn 1');
  });
});
