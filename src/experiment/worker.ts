/**
 * A worker thread of the run pool: receives one experiment at a time, runs it, and posts
 * progress (virtual time and events processed) and the result back.
 */
import { parentPort } from 'node:worker_threads';
import type { Experiment } from './schema/experiment.js';
import { runExperiment } from './run.js';
import type { WorkerReply } from './pool.js';

const port = parentPort;
if (port === null) throw new TypeError('Expected worker.js to run in a worker thread');

port.on('message', (task: { id: number; experiment: Experiment }) => {
  const post = (reply: WorkerReply): void => {
    port.postMessage(reply);
  };
  try {
    const result = runExperiment(task.experiment, {
      onProgress: (nowMs, events) => {
        post({ kind: 'progress', id: task.id, nowMs, events });
      },
    });
    post({ kind: 'done', id: task.id, result });
  } catch (error) {
    const e = error as { message?: unknown; code?: unknown; stack?: unknown };
    post({ kind: 'error', id: task.id, message: String(e.message), code: typeof e.code === 'string' ? e.code : undefined, stack: String(e.stack) });
  }
});
