import type { Admission } from './types.js';
import { thresholdPolicy, type RetryAfterOptions } from './refusal.js';

export interface QueueLengthOptions extends RetryAfterOptions {
  /** Jobs waiting for a core at which to refuse. @default 1000 */
  limit: number;
}

/**
 * Refuses with 'queue' while at least `limit` jobs wait for the event loop: shedding on queueing delay,
 * the cheapest overload signal in a single-threaded server, and one that reacts before a CPU average does.
 * Decided when the loop reaches the request (`readsBacklog`), so in a burst it refuses the requests at the
 * front while the backlog behind them is long and admits the last `limit`, as an accept-time check in the
 * same event loop does (ws verifyClient, https://github.com/websockets/ws/blob/master/doc/ws.md; nginx
 * limit_conn counts a connection once its request header is read, https://nginx.org/en/docs/http/ngx_http_limit_conn_module.html).
 */
export function createQueueLength(options: QueueLengthOptions): Admission {
  const { limit } = options;
  return { ...thresholdPolicy('queue-length', 'queue', options, (view) => view.queuedWork >= limit), readsBacklog: true };
}
