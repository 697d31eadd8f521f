/** Moved to the engine, shared by the sim and real mode; kept here for the sim's imports. */
export { createArrivals, arrivalTimesMs, type ArrivalProcess, type ArrivalSpec } from '../engine/arrivals.js';
