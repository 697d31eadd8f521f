import { alertEvents, alertSummary, evaluateAlerts, finalizeSummary, type FaultMark, type RunResult } from '../metrics/index.js';
import { runSimulation, SimRun, type RunSimulationOptions } from '../sim/index.js';
import type { Experiment } from './schema/experiment.js';
import { tagged } from './schema/one-of.js';
import { toSimConfig } from './to-sim.js';

/** The experiment's faults as marks for detection times: kind, target and time. */
export function faultMarks(e: Experiment): FaultMark[] {
  return e.faults.map((f) => {
    const fault = tagged(f);
    const server = 'server' in fault ? fault.server : undefined;
    const target = typeof server === 'number' ? `server ${String(server)}` : undefined;
    return { label: target === undefined ? fault.kind : `${fault.kind} ${target}`, atMs: fault.atMs, target };
  });
}

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions extends RunSimulationOptions {
  /** Evaluate the experiment's `alerts:` rules; false gives the sim's result alone, as real mode does. @default true */
  alerts?: boolean;
}

/**
 * Runs an experiment in the sim, then evaluates its alert rules over the sampled time series:
 * firings join the events, and first-fired and detection times the summary.
 */
export function runExperiment(e: Experiment, options: RunExperimentOptions = {}): RunResult {
  const { alerts = true, ...simOptions } = options;
  return withAlerts(e, runSimulation(toSimConfig(e), simOptions), alerts);
}

/**
 * An experiment run a slice at a time (the playground's worker): `sim` advances and shows the time
 * series and events so far; `finish` gives exactly what {@link runExperiment} gives for the experiment.
 */
export class ExperimentRun {
  readonly sim: SimRun;

  constructor(readonly experiment: Experiment) {
    this.sim = new SimRun(toSimConfig(experiment));
  }

  /** The run to its end, alerts evaluated, as `wsfleet run` writes it. */
  finish(): RunResult {
    return withAlerts(this.experiment, this.sim.finish(), true);
  }
}

function withAlerts(e: Experiment, result: RunResult, alerts: boolean): RunResult {
  if (!alerts || e.alerts.length === 0) return result;
  const firings = evaluateAlerts(result.timeseries, e.alerts);
  const events = [...result.events, ...alertEvents(firings)].sort((a, b) => a.atMs - b.atMs);
  return { ...result, events, summary: finalizeSummary({ ...result.summary, ...alertSummary(e.alerts, firings, faultMarks(e)) }) };
}
