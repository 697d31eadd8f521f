import { RngStreams } from '../engine/index.js';
import { finalizeSummary, type RunResult } from '../metrics/index.js';
import type { SimConfig } from './config.js';
import { Fleet } from './fleet.js';
import { scheduleFaults } from './faults.js';
import { startSampler } from './sampler.js';
import { summarize } from './summary.js';

/** Runs one simulated experiment to its end and returns the result in the shared schema. */
export function runSimulation(config: SimConfig): RunResult {
  const fleet = new Fleet(config);
  fleet.start();
  scheduleFaults(fleet, config.faults, new RngStreams(config.seed).stream('faults'));
  const timeseries = startSampler(fleet, config.sampleIntervalMs);
  fleet.sim.run({ untilMs: config.durationMs });
  return { summary: finalizeSummary(summarize(fleet, timeseries)), timeseries, events: fleet.events };
}
