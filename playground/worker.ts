/**
 * A run worker: the engine, sim and strategies of the CLI, unchanged, advanced in slices so the page
 * stays responsive and can pause, step and change speed. One worker runs one experiment at a time.
 */
import { ExperimentRun, formatIssues, parseExperimentText } from '../src/experiment/browser.js';
import { chartNames } from '../src/report/fleet-charts.js';
import { PROFILES } from './lessons.js';
import type { FromWorker, ToWorker } from './protocol.js';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

/** Wall time per slice: long enough to amortise the message, short enough to answer pause within a frame. */
const SLICE_WALL_MS = 40;
/** Events between clock checks inside a slice. */
const EVENTS_PER_CHECK = 20_000;

interface Active {
  runId: number;
  run: ExperimentRun;
  speed: number;
  paused: boolean;
  /** Virtual time the run is allowed to reach; it grows with wall time at `speed`. */
  targetMs: number;
  lastWall: number;
  sentRows: number;
  sentEvents: number;
  startedWall: number;
  scheduled: boolean;
}

let active: Active | null = null;

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'start') {
    start(message);
    return;
  }
  if (active === null) return;
  if (message.type === 'pause') {
    active.paused = true;
    frame(active);
  } else if (message.type === 'resume') {
    active.paused = false;
    active.lastWall = performance.now();
    schedule(active);
  } else if (message.type === 'speed') {
    active.speed = message.speed;
  } else {
    // One sample interval further, then stay paused.
    active.paused = true;
    const { sim } = active.run;
    const next = (Math.floor(sim.nowMs / active.run.experiment.sampleIntervalMs) + 1) * active.run.experiment.sampleIntervalMs;
    active.targetMs = Math.min(next, sim.durationMs);
    while (sim.advance(active.targetMs, EVENTS_PER_CHECK) === 'paused');
    if (sim.nowMs >= sim.durationMs) finish(active);
    else frame(active);
  }
};

function start(message: Extract<ToWorker, { type: 'start' }>): void {
  const read = parseExperimentText({ yaml: message.yaml, name: message.name }, PROFILES, { noSweep: true, scale: message.scale, chartNames: chartNames() });
  if (!read.ok) {
    active = null;
    scope.postMessage({ type: 'invalid', runId: message.runId, message: formatIssues(read.issues) });
    return;
  }
  let run: ExperimentRun;
  try {
    run = new ExperimentRun(read.experiment);
  } catch (error) {
    scope.postMessage({ type: 'error', runId: message.runId, message: (error as Error).message });
    return;
  }
  const now = performance.now();
  active = { runId: message.runId, run, speed: message.speed, paused: message.paused, targetMs: 0, lastWall: now, sentRows: 0, sentEvents: 0, startedWall: now, scheduled: false };
  scope.postMessage({
    type: 'started',
    runId: message.runId,
    columns: run.sim.timeseries.columns,
  });
  frame(active);
  if (!active.paused) schedule(active);
}

function schedule(a: Active): void {
  if (a.scheduled) return;
  a.scheduled = true;
  setTimeout(() => {
    a.scheduled = false;
    tick(a);
  }, 0);
}

function tick(a: Active): void {
  if (active !== a || a.paused) return;
  const { sim } = a.run;
  const began = performance.now();
  a.targetMs = a.speed === Infinity ? sim.durationMs : Math.min(sim.durationMs, a.targetMs + (a.speed * (began - a.lastWall)) / 1000);
  a.lastWall = began;
  try {
    while (performance.now() - began < SLICE_WALL_MS) {
      if (sim.advance(a.targetMs, EVENTS_PER_CHECK) === 'reached') break;
    }
  } catch (error) {
    active = null;
    scope.postMessage({ type: 'error', runId: a.runId, message: (error as Error).message });
    return;
  }
  if (sim.nowMs >= sim.durationMs) {
    finish(a);
    return;
  }
  frame(a);
  schedule(a);
}

/** Sends the rows and events logged since the last frame. */
function frame(a: Active): void {
  const { sim } = a.run;
  const rows = sim.timeseries.rows.slice(a.sentRows);
  a.sentRows += rows.length;
  const log = sim.eventsSoFar(a.sentEvents);
  a.sentEvents += log.length;
  scope.postMessage({ type: 'frame', runId: a.runId, nowMs: sim.nowMs, events: sim.fleet.sim.eventsProcessed, rows, log, paused: a.paused });
}

function finish(a: Active): void {
  frame(a);
  const result = a.run.finish();
  active = null;
  scope.postMessage({
    type: 'done',
    runId: a.runId,
    // Exactly the bytes `wsfleet run` writes to summary.json.
    summaryJson: JSON.stringify(result.summary, null, 2) + '\n',
    events: result.events,
    wallMs: performance.now() - a.startedWall,
  });
}
