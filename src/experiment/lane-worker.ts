/**
 * The lane worker: a thread that advances the cohort heartbeat's lanes (src/sim/heartbeat-lane.ts) of
 * a run on the simulation's thread, over memory both threads share, so a run with a million members
 * uses the machine's second core. It takes a lane only while the lane's lock is free, and advances it
 * only up to a time the simulation's clock has passed (`LaneWorker.clockAt`); the simulation's thread
 * takes whatever is left. Which thread submitted a job never changes when it runs, so results are the
 * same byte for byte with and without it (test/cli/lane-worker.test.ts).
 */
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { CpuQueue } from '../sim/cpu.js';
import { LaneCore } from '../sim/heartbeat-lane.js';
import { CLOCK_UNITS_PER_MS, CONTROL, type LaneAttach, type LaneWorkerData } from './lane-helper.js';

const { port, stats, clock, control } = workerData as LaneWorkerData;

const cannotGrow = (): never => {
  throw new Error('lane worker: a lane view cannot grow');
};

interface View {
  core: LaneCore;
  version: number;
}

const views: (View | undefined)[] = [];
let received = 0;

function drain(mp: MessagePort): void {
  for (let m = receiveMessageOnPort(mp); m !== undefined; m = receiveMessageOnPort(mp)) {
    const a = m.message as LaneAttach;
    const b = a.buffers;
    views[a.id] = { core: new LaneCore(new CpuQueue(b.cpuCores, b.cpuTracksQueue, b.cpu), a.cycle, cannotGrow, b), version: a.version };
    received++;
  }
}

/** Loads of the clock before the worker sleeps (some tens of microseconds). */
const SPINS = 20_000;

let held: LaneCore | null = null;
try {
  for (;;) {
    if (Atomics.load(control, CONTROL.stop) === 1) break;
    if (Atomics.load(control, CONTROL.posted) !== received) drain(port);
    const units = Atomics.load(clock, 0);
    const untilMs = units / CLOCK_UNITS_PER_MS;
    let did = false;
    // Last lane first: the simulation's thread catches lanes up in the order they were made (a fan-out
    // to every server, a sample), so the two threads start at opposite ends and meet in the middle.
    for (let id = views.length - 1; id >= 0; id--) {
      const view = views[id];
      if (view === undefined) continue;
      const core = view.core;
      if (core.dueAtMs > untilMs) continue;
      if (core.version !== view.version) {
        drain(port);
        continue;
      }
      if (!core.tryEnter()) continue;
      held = core;
      if (core.version === view.version) {
        const jobs = core.advanceAsHelper(untilMs);
        if (jobs > 0) {
          did = true;
          stats[0] = (stats[0] as number) + jobs;
        }
      }
      core.leave();
      held = null;
    }
    if (did) continue;
    // Nothing to do until the clock moves: watch it for a while (it usually moves within microseconds), then sleep.
    let spins = SPINS;
    while (spins > 0 && Atomics.load(clock, 0) === units) spins--;
    if (spins === 0) {
      Atomics.store(control, CONTROL.sleeping, 1);
      Atomics.wait(clock, 0, units, 50);
      Atomics.store(control, CONTROL.sleeping, 0);
    }
  }
} catch (error) {
  // A lane held when something went wrong may be half-stepped: it is marked failed (the simulation's
  // thread stops at its next use of it) and released; then the error ends the worker ('error' event).
  if (held !== null) {
    held.fail();
    held.leave();
  }
  throw error;
}
