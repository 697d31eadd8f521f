import { Simulation } from '../src/engine/simulation.js';
import { RngStreams } from '../src/engine/rng.js';
import { BaselineHeap } from './baseline-heap.js';
import { chunked, measured, type Prepared } from './hold.js';

/**
 * The heartbeat model: `pending` connections, each with one timer that fires every `intervalMs`
 * (a ws-style ping, a health check, a load report). Phases start spread over one interval.
 */
export interface HeartbeatParams {
  pending: number;
  intervalMs: number;
  seed: number;
}

function phases(p: HeartbeatParams): Float64Array {
  const rng = new RngStreams(p.seed).stream('heartbeat');
  return Float64Array.from({ length: p.pending }, () => rng.next() * p.intervalMs);
}

/** Each firing re-arms the connection's timer in the heap with `setTimer(now + interval)`. */
export function engineHeartbeatTimer(p: HeartbeatParams): Prepared {
  return measured(p.pending, () => {
    const sim = new Simulation();
    const { counted, run } = chunked(sim);
    const beat = (timer: number): void => {
      sim.setTimer(timer, sim.nowMs + p.intervalMs);
      counted();
    };
    const start = phases(p);
    for (let i = 0; i < p.pending; i++) {
      const timer = sim.createTimer(beat);
      sim.setTimerArg(timer, timer);
      sim.setTimer(timer, start[i] as number);
    }
    return run;
  });
}

/** Each firing re-arms the connection's timer on the interval's lane; the first firings come from the heap. */
export function engineHeartbeatLane(p: HeartbeatParams): Prepared {
  return measured(p.pending, () => {
    const sim = new Simulation();
    const lane = sim.lane(p.intervalMs);
    const { counted, run } = chunked(sim);
    const beat = (timer: number): void => {
      lane.set(timer);
      counted();
    };
    const start = phases(p);
    for (let i = 0; i < p.pending; i++) {
      const timer = sim.createTimer(beat);
      sim.setTimerArg(timer, timer);
      sim.setTimer(timer, start[i] as number);
    }
    return run;
  });
}

/** The same model as a pop-and-push loop on the baseline heap. */
export function baselineHeartbeat(p: HeartbeatParams): Prepared {
  return measured(p.pending, () => {
    const heap = new BaselineHeap();
    const start = phases(p);
    for (let i = 0; i < p.pending; i++) heap.push(start[i] as number, i);
    return (events) => {
      for (let i = 0; i < events; i++) {
        const id = heap.pop();
        heap.push(heap.poppedTime + p.intervalMs, id);
      }
      return { events, check: heap.poppedTime };
    };
  });
}
