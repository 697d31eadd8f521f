import type { Rng } from '../types.js';

/** What a balancer may know about one backend; `healthy` is its health checker's belief, not the truth. */
export interface BackendView {
  readonly id: number;
  /** Relative capacity, 1 for a standard server. */
  readonly weight: number;
  readonly healthy: boolean;
  /** Connections this balancer has open to the backend now. */
  readonly openConnections: number;
  /** Reported CPU load in [0, 1], as of `reportedAtMs`. */
  readonly reportedLoad: number;
  /** Reported response latency, as of `reportedAtMs`. */
  readonly reportedLatencyMs: number;
  readonly reportedAtMs: number;
}

export interface ConnectRequest {
  /** Stable client identity, for hashing and stickiness. */
  readonly clientId: number;
}

export interface PickContext {
  readonly nowMs: number;
  readonly rng: Rng;
}

/** Picks a backend index for a new connection, or -1 to refuse it. */
export interface Balancer {
  readonly name: string;
  pick(request: ConnectRequest, backends: readonly BackendView[], context: PickContext): number;
}
