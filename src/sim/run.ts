import { RngStreams } from '../engine/index.js';
import { finalizeSummary, typedEvent, type DecisionLog, type CdfPoint, type DistributionMetric, type RunResult, type Table, type TypedRunEvent } from '../metrics/index.js';
import type { SimConfig } from './config.js';
import type { LaneHelper } from './heartbeat-lane.js';
import { Fleet } from './fleet.js';
import { scheduleFaults } from './faults.js';
import { startSampler } from './sampler.js';
import { summarize } from './summary.js';
import { Autoscaler } from './autoscaler.js';

export { DISTRIBUTION_METRICS } from '../metrics/index.js';

/** Options of {@link runSimulation}. */
export interface RunSimulationOptions {
  /**
   * Called with the virtual time and the events processed so far, every `progressEveryMs` of virtual
   * time and every `progressEveryEvents` events. It may throw to abandon the run (no result is returned).
   */
  onProgress?: (nowMs: number, events: number) => void;
  /** Virtual time between progress calls, in ms. @default durationMs / 100 */
  progressEveryMs?: number;
  /** Events between progress calls, so a run whose virtual time barely moves still reports. @default 1_000_000 */
  progressEveryEvents?: number;
  /** Receives the decisions of shared rules (backoff, admission, health, heartbeat closes) as they are made. @default none */
  decisions?: DecisionLog;
  /** Advances the cohort heartbeat's lanes on another thread as well (the CLI's lane worker); results are the same without it. @default none */
  laneHelper?: LaneHelper;
}

/** Runs one simulated experiment to its end and returns the result in the shared schema. */
export function runSimulation(config: SimConfig, options: RunSimulationOptions = {}): RunResult {
  return simulate(config, options).result;
}

/** Runs one experiment and returns the fleet too, for tests that look inside. */
export function simulate(config: SimConfig, options: RunSimulationOptions = {}): { fleet: Fleet; result: RunResult } {
  const run = new SimRun(config, options.decisions ?? null, options.laneHelper ?? null);
  runInSteps(run.fleet, config.durationMs, options);
  return { fleet: run.fleet, result: run.finish() };
}

/**
 * One simulated experiment that advances when asked: the playground runs it a slice at a time and
 * draws the time series as it grows. Nothing runs between slices, so slicing never changes a result:
 * `runSimulation` is this class driven to the end.
 */
export class SimRun {
  readonly fleet: Fleet;
  /** The sampled time series so far; a row is appended every sample interval. */
  readonly timeseries: Table;
  private readonly autoscaler: Autoscaler | null;
  private result: RunResult | null = null;

  constructor(private readonly config: SimConfig, decisions: DecisionLog | null = null, laneHelper: LaneHelper | null = null) {
    const fleet = new Fleet(config, decisions);
    fleet.world.laneHelper = laneHelper;
    this.fleet = fleet;
    this.autoscaler = config.autoscaler === null ? null : new Autoscaler(fleet.world, fleet.operations, config.autoscaler);
    this.autoscaler?.start(config.servers.reduce((n, g) => n + g.count, 0));
    fleet.start();
    scheduleFaults(fleet.world, fleet.operations, config.faults, new RngStreams(config.seed).stream('faults'));
    this.timeseries = startSampler(fleet, config.sampleIntervalMs);
  }

  /** Virtual time reached, in ms. */
  get nowMs(): number {
    return this.fleet.sim.nowMs;
  }

  /** The run's virtual duration, in ms. */
  get durationMs(): number {
    return this.config.durationMs;
  }

  /**
   * Runs events up to `untilMs` (capped at the run's duration), stopping early after `maxEvents`
   * events; returns whether the slice was reached.
   */
  advance(untilMs: number, maxEvents = Infinity): 'reached' | 'paused' {
    if (this.result !== null) throw new Error('SimRun.advance after finish');
    const until = Math.min(untilMs, this.config.durationMs);
    return this.fleet.sim.run({ untilMs: until, maxEvents }).state === 'paused' ? 'paused' : 'reached';
  }

  /** The events logged so far, typed. */
  eventsSoFar(from = 0): TypedRunEvent[] {
    return this.fleet.events.slice(from).map(typedEvent);
  }

  /** Runs to the end if needed, settles messages in flight and summarises (once). */
  finish(): RunResult {
    if (this.result !== null) return this.result;
    const { fleet, config, autoscaler, timeseries } = this;
    // A no-op after runInSteps; a playground run finished early goes to the end here.
    fleet.sim.run({ untilMs: config.durationMs });
    fleet.finishMessages();
    fleet.timers.settle();
    // Call sites that still log a kind and a detail are read back here; typed ones pass through.
    const events = fleet.events.map(typedEvent);
    const summary = summarize(fleet, timeseries, events);
    // Always present, so variants with and without an autoscaler compare on the same metrics.
    const fixed = config.servers.reduce((n, g) => n + g.count, 0);
    summary['autoscaler.scaleOuts'] = autoscaler?.scaleOuts ?? 0;
    summary['autoscaler.scaleIns'] = autoscaler?.scaleIns ?? 0;
    summary['autoscaler.servers.peak'] = autoscaler?.peakActive ?? fixed;
    summary['autoscaler.servers.final'] = autoscaler?.active().length ?? fixed;
    const distributions: Record<DistributionMetric, CdfPoint[]> = { 'connect.latencyMs': fleet.connectLatency.cdf(), 'handshake.waitMs': fleet.handshakeWait.cdf() };
    this.result = { summary: finalizeSummary(summary), timeseries, events, distributions };
    return this.result;
  }
}
/** Runs to the end in slices; no code runs between slices, so the result is the same as one run. */
function runInSteps(fleet: Fleet, durationMs: number, options: RunSimulationOptions): void {
  const { onProgress } = options;
  if (onProgress === undefined) {
    fleet.sim.run({ untilMs: durationMs });
    return;
  }
  const { sim } = fleet;
  const maxEvents = options.progressEveryEvents ?? 1_000_000;
  const slice = (untilMs: number): void => {
    while (sim.run({ untilMs, maxEvents }).state === 'paused') onProgress(sim.nowMs, sim.eventsProcessed);
    onProgress(untilMs, sim.eventsProcessed);
  };
  const stepMs = Math.max(options.progressEveryMs ?? durationMs / 100, durationMs / 10_000);
  for (let untilMs = stepMs; untilMs < durationMs; untilMs += stepMs) slice(untilMs);
  slice(durationMs);
}
