import type { Admission } from './types.js';
import { thresholdPolicy, type RetryAfterOptions } from './refusal.js';

export interface MaxConnectionsOptions extends RetryAfterOptions {
  /** Connections (established plus handshaking) at which to refuse; null uses the view's maxConnections. @default null */
  limit: number | null;
}

/** Refuses with 'max-connections' while established plus handshaking connections are at or above the cap. */
export function createMaxConnections(options: MaxConnectionsOptions): Admission {
  const { limit } = options;
  return thresholdPolicy('max-connections', 'max-connections', options, (view) => {
    return view.connections + view.handshaking >= (limit ?? view.maxConnections);
  });
}
