import { join } from 'node:path';
import { formatIssues, loadExperiment, toSimConfig } from '../../src/experiment/index.js';
import type { Summary, SummaryKey } from '../../src/metrics/index.js';
import { runSimulation } from '../../src/sim/index.js';

/**
 * Runs one variant of a library experiment (`experiments/NAME.yaml`) in process, without its sweep:
 * `sets` are `--set` flags, `scale` is `--scale`. For model tests that check the lesson an experiment teaches.
 */
export function runLibraryVariant(name: string, sets: readonly string[], scale?: number): Summary {
  const file = join(import.meta.dirname, '..', '..', 'experiments', `${name}.yaml`);
  const loaded = loadExperiment(file, { sets: [...sets], ...(scale === undefined ? {} : { scale }) });
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  const { sweep: _sweep, ...experiment } = loaded.experiment;
  return runSimulation(toSimConfig(experiment)).summary;
}

/** A summary value the run must have produced. */
export function summaryValue(s: Summary, key: SummaryKey): number {
  const v = s[key];
  if (typeof v !== 'number') throw new Error(`${key} missing from the summary`);
  return v;
}
