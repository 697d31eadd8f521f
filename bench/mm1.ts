import { Simulation } from '../src/engine/simulation.js';
import { RngStreams, type Rng } from '../src/engine/rng.js';
import { compileDistribution, type Distribution } from '../src/engine/distributions.js';
import { BaselineHeap } from './baseline-heap.js';
import { Ring } from './ring.js';
import type { RunResult } from './measure.js';

/** An M/M/1 queue: arrival rate, service rate (per ms), number of customers and seed. */
export interface Mm1Params {
  lambda: number;
  mu: number;
  customers: number;
  seed: number;
}

/** The random inputs both implementations draw, from the same named streams. */
interface Mm1Inputs {
  arrivals: Rng;
  service: Rng;
  interArrival: Distribution;
  serviceTime: Distribution;
}

function inputs(p: Mm1Params): Mm1Inputs {
  const streams = new RngStreams(p.seed);
  return {
    arrivals: streams.stream('arrivals'),
    service: streams.stream('service'),
    interArrival: compileDistribution({ kind: 'exponential', mean: 1 / p.lambda }),
    serviceTime: compileDistribution({ kind: 'exponential', mean: 1 / p.mu }),
  };
}

/** The M/M/1 model on the engine, scheduling one-shot events with `after`; `check` is the mean wait. */
export function engineMm1(p: Mm1Params): RunResult {
  const { arrivals, service, interArrival, serviceTime } = inputs(p);
  const sim = new Simulation();
  const waiting = new Ring();
  let busy = false;
  let arrived = 0;
  let waitSum = 0;
  const depart = (): void => {
    if (waiting.size === 0) {
      busy = false;
      return;
    }
    waitSum += sim.nowMs - waiting.shift();
    sim.after(serviceTime.sample(service), depart);
  };
  const arrive = (): void => {
    if (++arrived < p.customers) sim.after(interArrival.sample(arrivals), arrive);
    if (busy) waiting.push(sim.nowMs);
    else {
      busy = true;
      sim.after(serviceTime.sample(service), depart);
    }
  };
  sim.after(interArrival.sample(arrivals), arrive);
  sim.run();
  return { events: sim.eventsProcessed, check: waitSum / p.customers };
}

/** The same model with one reusable timer for the arrival process and one for the server. */
export function engineMm1Timers(p: Mm1Params): RunResult {
  const { arrivals, service, interArrival, serviceTime } = inputs(p);
  const sim = new Simulation();
  const waiting = new Ring();
  let busy = false;
  let arrived = 0;
  let waitSum = 0;
  const depart = (): void => {
    if (waiting.size === 0) {
      busy = false;
      return;
    }
    waitSum += sim.nowMs - waiting.shift();
    sim.setTimer(server, sim.nowMs + serviceTime.sample(service));
  };
  const arrive = (): void => {
    if (++arrived < p.customers) sim.setTimer(source, sim.nowMs + interArrival.sample(arrivals));
    if (busy) waiting.push(sim.nowMs);
    else {
      busy = true;
      sim.setTimer(server, sim.nowMs + serviceTime.sample(service));
    }
  };
  const source = sim.createTimer(arrive);
  const server = sim.createTimer(depart);
  sim.setTimer(source, interArrival.sample(arrivals));
  sim.run();
  return { events: sim.eventsProcessed, check: waitSum / p.customers };
}

const ARRIVAL = 0;
const DEPARTURE = 1;

/** The same model as a hand-written loop over the baseline heap. */
export function baselineMm1(p: Mm1Params): RunResult {
  const { arrivals, service, interArrival, serviceTime } = inputs(p);
  const heap = new BaselineHeap();
  const waiting = new Ring();
  let busy = false;
  let arrived = 0;
  let waitSum = 0;
  let events = 0;
  heap.push(interArrival.sample(arrivals), ARRIVAL);
  while (heap.size > 0) {
    const kind = heap.pop();
    const now = heap.poppedTime;
    events++;
    if (kind === ARRIVAL) {
      if (++arrived < p.customers) heap.push(now + interArrival.sample(arrivals), ARRIVAL);
      if (busy) waiting.push(now);
      else {
        busy = true;
        heap.push(now + serviceTime.sample(service), DEPARTURE);
      }
    } else if (waiting.size === 0) busy = false;
    else {
      waitSum += now - waiting.shift();
      heap.push(now + serviceTime.sample(service), DEPARTURE);
    }
  }
  return { events, check: waitSum / p.customers };
}
