import { describe, expect, it } from 'vitest';
import { RngStreams, Simulation, randomInt, type Rng, type TimerId } from '../../src/engine/index.js';

/** Fixed intervals the random models use; small integers so that many events tie in time. */
const INTERVALS = [0, 3, 5, 20];

/**
 * A random model whose every decision comes from one seeded stream, drawn inside handlers: two runs
 * make the same decisions exactly as long as their events come in the same order. `useLanes`
 * picks how a timer is set to now + a fixed interval: on the lane, or in the heap with `setTimer`.
 * The log records each event with its time and what the engine says about the timers it touches.
 */
function randomModel(seed: number, useLanes: boolean, timers = 40, events = 4000): string[] {
  const sim = new Simulation();
  const rng: Rng = new RngStreams(seed).stream('lanes');
  const log: string[] = [];
  const ids: TimerId[] = [];
  let fired = 0;
  const setFixed = (t: TimerId, intervalMs: number): void => {
    if (useLanes) sim.lane(intervalMs).set(t);
    else sim.setTimer(t, sim.nowMs + intervalMs);
  };
  const act = (k: number): void => {
    const r = rng.next();
    if (r < 0.45) setFixed(ids[k] as TimerId, INTERVALS[randomInt(rng, INTERVALS.length)] as number);
    else if (r < 0.65) sim.setTimer(ids[k] as TimerId, sim.nowMs + randomInt(rng, 26));
    else if (r < 0.75) sim.setTimer(ids[k] as TimerId, sim.nowMs + rng.next() * 10);
    else if (r < 0.87) sim.clearTimer(ids[k] as TimerId);
    else if (r < 0.93) sim.after(randomInt(rng, 7), oneShot, -1);
    else {
      sim.releaseTimer(ids[k] as TimerId);
      ids[k] = sim.createTimer(onTimer, k);
    }
    const t = ids[k] as TimerId;
    log.push(`  t${String(k)} pending=${String(sim.isTimerPending(t))} at=${String(sim.timerAtMs(t))} n=${String(sim.pendingEvents)}`);
  };
  const anyTimer = (): number => randomInt(rng, ids.length);
  function onTimer(k: number): void {
    log.push(`timer ${String(k)} @${String(sim.nowMs)}`);
    if (++fired >= events) return;
    // The timer re-arms itself most of the time, and touches up to three others.
    if (rng.next() < 0.85) act(k);
    const actions = randomInt(rng, 4);
    for (let a = 0; a < actions; a++) act(anyTimer());
  }
  function oneShot(): void {
    log.push(`one-shot @${String(sim.nowMs)}`);
    act(anyTimer());
  }
  for (let k = 0; k < timers; k++) ids.push(sim.createTimer(onTimer, k));
  for (const t of ids) setFixed(t, INTERVALS[randomInt(rng, INTERVALS.length)] as number);
  // Run in slices so that peeking at the next time across heap and lanes is exercised too.
  for (let until = 7; sim.pendingEvents > 0 && until < 1e6; until += 7) {
    const outcome = sim.run({ untilMs: until });
    log.push(`until ${String(until)}: ${outcome.state} next=${String(sim.peekMs())}`);
  }
  return log;
}

/** Where two logs first part, or null when they are equal (a diff of 100,000 lines would take minutes). */
function divergence(heap: readonly string[], lanes: readonly string[]): string | null {
  for (let k = 0; k < Math.max(heap.length, lanes.length); k++) {
    if (heap[k] !== lanes[k]) return `line ${String(k)}: heap '${String(heap[k])}', lanes '${String(lanes[k])}'`;
  }
  return null;
}

describe('timer lanes', () => {
  it('give exactly the event order of the heap on random schedules of sets, moves, cancels, releases and one-shots', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const heap = randomModel(seed, false);
      const lanes = randomModel(seed, true);
      expect(lanes.length, `seed ${String(seed)}`).toBeGreaterThan(1000);
      expect(divergence(heap, lanes), `seed ${String(seed)}`).toBeNull();
    }
  });

  it('keep the order with thousands of timers, past the lanes’ compaction threshold', () => {
    for (const seed of [101, 102]) {
      expect(divergence(randomModel(seed, false, 20_000, 60_000), randomModel(seed, true, 20_000, 60_000)), `seed ${String(seed)}`).toBeNull();
    }
  });

  it('fire a timer its interval after it was set, and equal times first-in first-out across lanes and the heap', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const note = (k: number): void => {
      log.push(`${String(k)}@${String(sim.nowMs)}`);
    };
    const a = sim.createTimer(note, 1);
    const b = sim.createTimer(note, 2);
    const c = sim.createTimer(note, 3);
    sim.setTimer(a, 10);
    sim.lane(10).set(b);
    sim.at(10, note, 4);
    expect(sim.timerAtMs(b)).toBe(10);
    sim.at(5, () => {
      sim.lane(5).set(c);
    });
    sim.run();
    expect(log).toEqual(['1@10', '2@10', '4@10', '3@10']);
  });

  it('move a timer between a lane and the heap, and a cancelled lane timer never fires', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    const t = sim.createTimer(() => fired.push(sim.nowMs));
    const lane = sim.lane(100);
    lane.set(t);
    sim.setTimer(t, 30);
    expect(sim.timerAtMs(t)).toBe(30);
    sim.run({ untilMs: 40 });
    lane.set(t);
    expect(sim.timerAtMs(t)).toBe(140);
    sim.clearTimer(t);
    expect(sim.isTimerPending(t)).toBe(false);
    expect(sim.pendingEvents).toBe(0);
    sim.run();
    expect(fired).toEqual([30]);
  });

  it('compact stale entries: a lane whose timers are set and cancelled over and over stays small', () => {
    const sim = new Simulation();
    const timers = Array.from({ length: 1000 }, () => sim.createTimer(() => undefined));
    const lane = sim.lane(1000);
    for (let round = 0; round < 200; round++) {
      for (const t of timers) lane.set(t);
      for (const t of timers.slice(0, 900)) sim.clearTimer(t);
    }
    // 200,000 sets; 100 timers stay armed, and the ring holds them plus at most about 4,096 stale entries.
    expect(sim.pendingEvents).toBe(100);
    const [entries] = sim.laneEntries();
    expect(entries).toBeLessThanOrEqual(100 + 4097 + 1000);
    let fired = 0;
    for (const t of timers) sim.releaseTimer(t);
    sim.at(0, () => fired++);
    sim.run();
    expect(fired).toBe(1);
  });

  it('return the same lane for the same interval and refuse bad intervals and foreign lanes', () => {
    const sim = new Simulation();
    expect(sim.lane(25_000)).toBe(sim.lane(25_000));
    expect(() => sim.lane(-1)).toThrow(/lane interval.*-1/);
    expect(() => sim.lane(Number.NaN)).toThrow(TypeError);
    const other = new Simulation();
    const t = sim.createTimer(() => undefined);
    expect(() => { sim.setTimerOnLane(t, other.lane(5)); }).toThrow(/created by this simulation/);
    expect(() => { sim.lane(5).set(-3); }).toThrow(/timer id/);
  });
});
