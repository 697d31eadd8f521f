import type { Rng } from '../types.js';

/** What a balancer may know about one backend; `healthy` is its health checker's belief, not the truth. */
export interface BackendView {
  readonly id: number;
  /**
   * Relative capacity: 1 for a standard server, 2 for one twice as big. Weight-aware strategies share new
   * connections in proportion to it; weight 0 means drain: no strategy gives the backend new connections.
   */
  readonly weight: number;
  readonly healthy: boolean;
  /** Connections this balancer has open to the backend now. */
  readonly openConnections: number;
  /** Reported CPU load in [0, 1], as of `reportedAtMs`. */
  readonly reportedLoad: number;
  /** Reported memory use as a share of the server's limit, in [0, 1], as of `reportedAtMs`. */
  readonly reportedMemoryLoad: number;
  /** Reported response latency, as of `reportedAtMs`. */
  readonly reportedLatencyMs: number;
  readonly reportedAtMs: number;
  /** When the backend last became healthy (or joined); slow start ramps from here. */
  readonly healthySinceMs: number;
}

export interface ConnectRequest {
  /** Stable client identity (a user or device id), for hashing and stickiness. */
  readonly clientId: number;
  /** The client's IPv4 address as an unsigned 32-bit integer, for source hashing (several clients may share one). */
  readonly clientAddress: number;
}

export interface PickContext {
  readonly nowMs: number;
  readonly rng: Rng;
}

/**
 * Picks a backend index for a new connection, or -1 to refuse it.
 * Every balancer picks only eligible backends (healthy and weight > 0) and refuses only when none is.
 */
export interface Balancer {
  readonly name: string;
  pick(request: ConnectRequest, backends: readonly BackendView[], context: PickContext): number;
}
