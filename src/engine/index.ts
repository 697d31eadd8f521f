export { Simulation, TimerLane, ZenoError, type TimerId, type RunOptions, type RunOutcome } from './simulation.js';
export { EventQueue, type Handler } from './event-queue.js';
export { RngStreams, randomInt, seededStream, streamKey, type Rng } from './rng.js';
export { arrivalTimesMs, createArrivals, type ArrivalProcess, type ArrivalSpec } from './arrivals.js';
export { compileDistribution, type Distribution, type DistributionSpec } from './distributions.js';
