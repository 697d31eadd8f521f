import { Simulation } from '../src/engine/simulation.js';
import { RngStreams, type Rng } from '../src/engine/rng.js';
import { BaselineHeap } from './baseline-heap.js';
import type { RunResult } from './measure.js';

/** Timer churn: `timers` armed timers, each moved `resets` times to a random time in [0, horizonMs), then drained. */
export interface ChurnParams {
  timers: number;
  resets: number;
  horizonMs: number;
  seed: number;
}

function stream(p: ChurnParams): Rng {
  return new RngStreams(p.seed).stream('churn');
}

/** Reusable engine timers moved in place with setTimer; setup (create and first arm) is not timed. */
export function engineChurn(p: ChurnParams): () => RunResult {
  const rng = stream(p);
  const sim = new Simulation();
  let fired = 0;
  let lastFire = 0;
  const fire = (id: number): void => {
    fired++;
    lastFire = id;
  };
  const ids = new Int32Array(p.timers);
  for (let i = 0; i < p.timers; i++) {
    const timer = sim.createTimer(fire, i);
    ids[i] = timer;
    sim.setTimer(timer, rng.next() * p.horizonMs);
  }
  return () => {
    for (let r = 0; r < p.resets; r++) {
      for (let i = 0; i < p.timers; i++) sim.setTimer(ids[i] as number, rng.next() * p.horizonMs);
    }
    sim.run();
    return { events: p.timers * p.resets + fired, check: lastFire + sim.nowMs };
  };
}

/**
 * The hand-written alternative: push a fresh entry per reset and skip stale entries as they pop.
 * With `purge`, stale entries are swept out whenever they outnumber live ones, as production timer heaps do.
 */
export function baselineChurn(p: ChurnParams, purge: boolean): () => RunResult {
  const rng = stream(p);
  const heap = new BaselineHeap(p.timers);
  const liveSeq = new Float64Array(p.timers);
  const limit = purge ? 2 * p.timers : Infinity;
  for (let i = 0; i < p.timers; i++) liveSeq[i] = heap.push(rng.next() * p.horizonMs, i);
  return () => {
    for (let r = 0; r < p.resets; r++) {
      for (let t = 0; t < p.timers; t++) {
        liveSeq[t] = heap.push(rng.next() * p.horizonMs, t);
        if (heap.size > limit) heap.retainLive(liveSeq);
      }
    }
    return drain(heap, liveSeq, p.timers * p.resets);
  };
}

/** Pops every entry, counting the live ones as fired; `check` matches the engine's. */
function drain(heap: BaselineHeap, liveSeq: Float64Array, resets: number): RunResult {
  let fired = 0;
  let lastFire = 0;
  let lastTime = 0;
  while (heap.size > 0) {
    const id = heap.pop();
    if (heap.poppedSeq !== liveSeq[id]) continue;
    fired++;
    lastFire = id;
    lastTime = heap.poppedTime;
  }
  return { events: resets + fired, check: lastFire + lastTime };
}
