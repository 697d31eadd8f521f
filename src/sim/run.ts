import { RngStreams } from '../engine/index.js';
import { finalizeSummary, type RunResult } from '../metrics/index.js';
import type { SimConfig } from './config.js';
import { Fleet } from './fleet.js';
import { scheduleFaults } from './faults.js';
import { startSampler } from './sampler.js';
import { summarize } from './summary.js';
import { Autoscaler } from './autoscaler.js';

/** Runs one simulated experiment to its end and returns the result in the shared schema. */
export function runSimulation(config: SimConfig): RunResult {
  return simulate(config).result;
}

/** Runs one experiment and returns the fleet too, for tests that look inside. */
export function simulate(config: SimConfig): { fleet: Fleet; result: RunResult } {
  const fleet = new Fleet(config);
  const autoscaler = config.autoscaler === null ? null : new Autoscaler(fleet, config.autoscaler);
  autoscaler?.start(config.servers.reduce((n, g) => n + g.count, 0));
  fleet.start();
  scheduleFaults(fleet, config.faults, new RngStreams(config.seed).stream('faults'));
  const timeseries = startSampler(fleet, config.sampleIntervalMs);
  fleet.sim.run({ untilMs: config.durationMs });
  fleet.finishMessages();
  const summary = summarize(fleet, timeseries);
  // Always present, so variants with and without an autoscaler compare on the same metrics.
  const fixed = config.servers.reduce((n, g) => n + g.count, 0);
  summary['autoscaler.scaleOuts'] = autoscaler?.scaleOuts ?? 0;
  summary['autoscaler.scaleIns'] = autoscaler?.scaleIns ?? 0;
  summary['autoscaler.servers.peak'] = autoscaler?.peakActive ?? fixed;
  summary['autoscaler.servers.final'] = autoscaler?.active().length ?? fixed;
  return { fleet, result: { summary: finalizeSummary(summary), timeseries, events: fleet.events } };
}
