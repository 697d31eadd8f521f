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

/** How a firing re-arms its timer one interval on: in the heap, or on the interval's lane. */
type Rearm = (sim: Simulation, intervalMs: number) => (timer: number) => void;

const inHeap: Rearm = (sim, intervalMs) => (timer) => {
  sim.setTimer(timer, sim.nowMs + intervalMs);
};

const onLane: Rearm = (sim, intervalMs) => {
  const lane = sim.lane(intervalMs);
  return (timer) => {
    lane.set(timer);
  };
};

/** The engine model: each firing re-arms the connection's timer by `rearm`; the first firings come from the heap. */
function engineHeartbeat(p: HeartbeatParams, rearm: Rearm): Prepared {
  return measured(p.pending, () => {
    const sim = new Simulation();
    const again = rearm(sim, p.intervalMs);
    const run = chunked(sim);
    const beat = (timer: number): void => {
      again(timer);
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

/** Each firing re-arms the connection's timer in the heap with `setTimer(now + interval)`. */
export const engineHeartbeatTimer = (p: HeartbeatParams): Prepared => engineHeartbeat(p, inHeap);

/** Each firing re-arms the connection's timer on the interval's lane. */
export const engineHeartbeatLane = (p: HeartbeatParams): Prepared => engineHeartbeat(p, onLane);

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
