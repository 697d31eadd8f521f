import { Simulation } from '../src/engine/simulation.js';
import { RngStreams, type Rng } from '../src/engine/rng.js';
import { compileDistribution, type Distribution } from '../src/engine/distributions.js';
import { BaselineHeap } from './baseline-heap.js';
import { liveBytes, type RunResult } from './measure.js';

/** The hold model: `pending` timers; each event pops the earliest and reschedules it at now + exponential delay. */
export interface HoldParams {
  pending: number;
  meanDelayMs: number;
  seed: number;
}

/** A hold model whose pending set is built; each `run(n)` processes its next `n` events and is what gets timed. */
export interface Prepared {
  run: (events: number) => RunResult;
  /** Live bytes the setup added, divided by the number of pending timers. */
  bytesPerPendingTimer: number;
}

function delays(p: HoldParams): { rng: Rng; delay: Distribution } {
  return {
    rng: new RngStreams(p.seed).stream('hold'),
    delay: compileDistribution({ kind: 'exponential', mean: p.meanDelayMs }),
  };
}

/** Runs `setup` between two live-byte readings and returns its run function with the cost per timer. */
export function measured(pending: number, setup: () => Prepared['run']): Prepared {
  const before = liveBytes();
  const run = setup();
  const bytes = liveBytes() - before;
  return { run, bytesPerPendingTimer: bytes / pending };
}

/**
 * Returns a chunked runner for a simulation: each chunk runs the next `events` events with the
 * engine's own event limit (`run({ maxEvents })`), so a handler does its model's work and nothing
 * else, as the baseline's loop body does.
 */
export function chunked(sim: Simulation): Prepared['run'] {
  return (events) => {
    const from = sim.eventsProcessed;
    sim.run({ maxEvents: events });
    return { events: sim.eventsProcessed - from, check: sim.nowMs };
  };
}

/** The classic hold model on the engine: each event schedules its successor with a one-shot `at`. */
export function engineHoldAt(p: HoldParams): Prepared {
  return measured(p.pending, () => {
    const { rng, delay } = delays(p);
    const sim = new Simulation();
    const run = chunked(sim);
    const hold = (id: number): void => {
      sim.at(sim.nowMs + delay.sample(rng), hold, id);
    };
    for (let i = 0; i < p.pending; i++) sim.at(delay.sample(rng), hold, i);
    return run;
  });
}

/** The hold model on the engine with one reusable timer per entity, re-armed by its own handler. */
export function engineHoldTimer(p: HoldParams): Prepared {
  return measured(p.pending, () => {
    const { rng, delay } = delays(p);
    const sim = new Simulation();
    const run = chunked(sim);
    const hold = (timer: number): void => {
      sim.setTimer(timer, sim.nowMs + delay.sample(rng));
    };
    for (let i = 0; i < p.pending; i++) {
      const timer = sim.createTimer(hold);
      sim.setTimerArg(timer, timer);
      sim.setTimer(timer, delay.sample(rng));
    }
    return run;
  });
}

/** The hold model as a pop-and-push loop on the baseline heap. */
export function baselineHold(p: HoldParams): Prepared {
  return measured(p.pending, () => {
    const { rng, delay } = delays(p);
    const heap = new BaselineHeap();
    for (let i = 0; i < p.pending; i++) heap.push(delay.sample(rng), i);
    return (events) => {
      for (let i = 0; i < events; i++) {
        const id = heap.pop();
        heap.push(heap.poppedTime + delay.sample(rng), id);
      }
      return { events, check: heap.poppedTime };
    };
  });
}
