export { Simulation, TimerLane, ZenoError, type TimerId, type RunOptions, type RunOutcome } from './simulation.js';
export { EventQueue, type Handler } from './event-queue.js';
export { RngStreams, randomInt, type Rng } from './rng.js';
export { compileDistribution, type Distribution, type DistributionSpec } from './distributions.js';
