import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RunResult } from '../metrics/index.js';
import type { Experiment } from './schema/experiment.js';

/** Messages from a worker thread. */
export type WorkerReply =
  | { kind: 'progress'; id: number; nowMs: number; events: number }
  | { kind: 'done'; id: number; result: RunResult }
  | { kind: 'error'; id: number; message: string; code: string | undefined; stack: string };

/** Options of {@link runPool}. */
export interface RunPoolOptions {
  /** Worker threads. @default one per core */
  jobs?: number;
  /** Virtual time reached by task `id`, and the events it has processed. */
  onProgress?: (id: number, nowMs: number, events: number) => void;
  /** A finished task; called in completion order, one at a time. */
  onDone: (id: number, result: RunResult) => void;
  /** Aborting terminates the workers; tasks running then are lost, finished ones were reported. */
  signal?: AbortSignal;
}

/** A failure inside a worker, with the worker's code (e.g. SIM_ERR_ZENO) and stack. */
export class WorkerRunError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined, stack: string) {
    super(message);
    this.name = 'WorkerRunError';
    this.code = code;
    this.stack = stack;
  }
}

/** Default worker count: one per core. */
export const defaultJobs = (): number => availableParallelism();

/**
 * Runs experiments on a pool of worker threads, at most `jobs` at once, handing out tasks in
 * order. Each run is a pure function of its experiment, so results do not depend on the job count.
 */
export function runPool(tasks: readonly Experiment[], options: RunPoolOptions): Promise<'done' | 'aborted'> {
  const jobs = Math.max(1, Math.min(options.jobs ?? defaultJobs(), tasks.length));
  const workers: Worker[] = [];
  let next = 0;
  let finished = 0;
  return new Promise((resolve, reject) => {
    if (tasks.length === 0) {
      resolve('done');
      return;
    }
    let settled = false;
    const stop = (then: () => void): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      void Promise.all(workers.map((w) => w.terminate())).then(then, then);
    };
    const onAbort = (): void => {
      stop(() => {
        resolve('aborted');
      });
    };
    if (options.signal?.aborted === true) {
      resolve('aborted');
      return;
    }
    options.signal?.addEventListener('abort', onAbort);
    const feed = (worker: Worker): void => {
      if (next >= tasks.length) return;
      const id = next++;
      worker.postMessage({ id, experiment: tasks[id] });
    };
    for (let k = 0; k < jobs; k++) {
      const worker = new Worker(new URL('./worker.js', import.meta.url));
      workers.push(worker);
      worker.on('message', (reply: WorkerReply) => {
        if (settled) return;
        if (reply.kind === 'progress') {
          options.onProgress?.(reply.id, reply.nowMs, reply.events);
        } else if (reply.kind === 'done') {
          try {
            options.onDone(reply.id, reply.result);
          } catch (error) {
            stop(() => {
              reject(error as Error);
            });
            return;
          }
          finished++;
          if (finished === tasks.length) {
            stop(() => {
              resolve('done');
            });
          } else feed(worker);
        } else {
          stop(() => {
            reject(new WorkerRunError(reply.message, reply.code, reply.stack));
          });
        }
      });
      worker.on('error', (error) => {
        stop(() => {
          reject(error);
        });
      });
      feed(worker);
    }
  });
}
