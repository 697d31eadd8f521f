import { finalizeSummary, recoveryMetrics } from '../metrics/index.js';
import { runReal, type RealConfig, type RealRunResult } from '../real/index.js';

/** Runs an experiment on real sockets; recovery is read off the time series exactly as the sim's is. */
export async function runRealExperiment(config: RealConfig, log?: (line: string) => void): Promise<RealRunResult> {
  const result = await runReal(config, log);
  const summary = finalizeSummary({ ...result.summary, ...recoveryMetrics(result.timeseries, result.events, config.durationMs) });
  return { ...result, summary };
}
