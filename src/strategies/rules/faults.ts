import type { Rng } from '../types.js';

/** A rolling restart: each server in turn drains over `windowMs`, stops for `restartAfterMs`, then the next waits `pauseMs`. */
export interface RollingRestart {
  readonly atMs: number;
  readonly windowMs: number;
  readonly restartAfterMs: number;
  readonly pauseMs: number;
}

/** When server k (0-based, in fleet order) of a rolling restart starts to drain. */
export function rollingRestartAtMs(spec: RollingRestart, k: number): number {
  return spec.atMs + k * (spec.windowMs + spec.restartAfterMs + spec.pauseMs);
}

/** A fault's target among `count` running servers: the one named, or one drawn uniformly (one draw). */
export function faultTarget(server: number | 'random', count: number, rng: Rng): number {
  return server === 'random' ? Math.floor(rng.next() * count) : server;
}
