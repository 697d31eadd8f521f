/**
 * The simulation thread's side of the lane worker (lane-worker.ts): it shares each cohort heartbeat
 * lane's memory with the worker and publishes how far the simulation's clock has gone. Node only (the
 * playground's runs keep every lane on their own thread).
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, isMainThread, type MessagePort } from 'node:worker_threads';
import type { LaneBuffers, LaneCycle, LaneHelper } from '../sim/index.js';

/** Words of the worker's control block. */
export const CONTROL = { stop: 0, sleeping: 1, posted: 2 } as const;

export interface LaneWorkerData {
  port: MessagePort;
  /** Jobs (pings sent and pongs read) the worker submitted, for tests and benchmarks. */
  stats: Float64Array;
  /** The time up to which lanes may be advanced, in eighths of a ms (below the simulation's clock). */
  clock: Int32Array;
  control: Int32Array;
}

export interface LaneAttach {
  id: number;
  buffers: LaneBuffers;
  cycle: LaneCycle;
  version: number;
}

/** The clock is published in eighths of a ms; past 2^31 of them (74.6 virtual hours) the worker waits for the end. */
export const CLOCK_UNITS_PER_MS = 8;
const MAX_CLOCK = 2 ** 31 - 1;

export class LaneWorker implements LaneHelper {
  readonly alloc = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);
  /** Starts below 0: nothing may be advanced before the first event. */
  private readonly clock = new Int32Array(new SharedArrayBuffer(4)).fill(-1);
  private readonly control = new Int32Array(new SharedArrayBuffer(16));
  private readonly stats = new Float64Array(new SharedArrayBuffer(8));
  private port: MessagePort | null = null;
  private worker: Worker | null = null;
  private published = -1;
  private closed = false;
  /** Each lane's scalars buffer, by id: a LaneWorker serves one run. */
  private readonly attached: (Float64Array | undefined)[] = [];
  private failure: Error | null = null;

  /** Starts the worker with the first lane (a run without lanes never starts one). */
  private start(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    const data: LaneWorkerData = { port: port2, stats: this.stats, clock: this.clock, control: this.control };
    // From the sources (tsx, as the benchmarks run) the worker is the .ts file, loaded by the flags the worker inherits.
    const file = import.meta.url.endsWith('.ts') ? './lane-worker.ts' : './lane-worker.js';
    const worker = new Worker(new URL(file, import.meta.url), { workerData: data, transferList: [port2] });
    worker.unref();
    // A worker that fails outside a lane leaves its lanes to this thread, which advances them itself; one
    // that fails inside a lane marks it, and the run stops there (LaneCore.enter). Either way it is told.
    worker.on('error', (error) => {
      this.failure = error;
    });
    this.worker = worker;
    this.port = port1;
    return port1;
  }

  attach(id: number, buffers: LaneBuffers, cycle: LaneCycle, version: number): void {
    if (this.closed) return;
    const known = this.attached[id];
    if (known !== undefined && known !== buffers.scalars) throw new Error('LaneWorker: a lane worker serves one run (make a new one for the next)');
    this.attached[id] = buffers.scalars;
    const message: LaneAttach = { id, buffers, cycle, version };
    (this.port ?? this.start()).postMessage(message);
    Atomics.add(this.control, CONTROL.posted, 1);
  }

  get clockMs(): number {
    return this.published < 0 ? -Infinity : this.published / CLOCK_UNITS_PER_MS;
  }

  clockAt(nextMs: number): void {
    // Strictly before the next event: jobs at its time may still be added by it.
    const t = Math.min(MAX_CLOCK, Math.ceil(nextMs * CLOCK_UNITS_PER_MS) - 1);
    if (t <= this.published) return;
    this.published = t;
    Atomics.store(this.clock, 0, t);
    if (Atomics.load(this.control, CONTROL.sleeping) === 1) Atomics.notify(this.clock, 0);
  }

  /** Why the worker stopped, if it failed (the run went on without it, or stopped if it held a lane). */
  get error(): Error | null {
    return this.failure;
  }

  /** Pings and pongs the worker has submitted so far (the rest the simulation's thread did). */
  get workerJobs(): number {
    return this.stats[0] as number;
  }

  /** Stops the worker; the run must not use its lanes' helper afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.control, CONTROL.stop, 1);
    Atomics.notify(this.clock, 0);
    this.port?.close();
    void this.worker?.terminate();
  }
}

/**
 * Whether a single run on this thread gets a lane worker: on the main thread of a machine with a second
 * core, from the built package (the worker is a .js file), unless WSFLEET_LANE_WORKER=off.
 */
export function laneWorkerWanted(): boolean {
  const setting = process.env.WSFLEET_LANE_WORKER;
  if (setting === 'off') return false;
  if (!import.meta.url.endsWith('.js') || !isMainThread) return false;
  return setting === 'on' || availableParallelism() >= 2;
}
