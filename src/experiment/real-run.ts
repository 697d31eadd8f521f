import { finalizeSummary, recoveryMetrics, scaleOutMetrics } from '../metrics/index.js';
import { runReal, type RealConfig, type RealRunResult } from '../real/index.js';

/** Runs an experiment on real sockets; recovery and the joined servers' share are read off the time series exactly as the sim's are. */
export async function runRealExperiment(config: RealConfig, log?: (line: string) => void): Promise<RealRunResult> {
  const result = await runReal(config, log);
  const weights = config.servers.map((s) => s.weight);
  const summary = finalizeSummary({
    ...result.summary,
    ...recoveryMetrics(result.timeseries, result.events, config.durationMs),
    ...scaleOutMetrics(result.timeseries, result.events, weights, config.durationMs),
  });
  return { ...result, summary };
}
