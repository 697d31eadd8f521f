import type { Rng } from '../types.js';

/** What a server knows about itself when it decides; the adapter fills it, in the sim and on real sockets. */
export interface ServerLoadView {
  /** Established connections. */
  readonly connections: number;
  /** Handshakes accepted and not yet finished; they count against the connection cap. */
  readonly handshaking: number;
  /** The server's configured connection cap (established plus handshaking); Infinity when it has none. */
  readonly maxConnections: number;
  /** CPU utilisation in [0, 1] over the adapter's recent window. */
  readonly cpuLoad: number;
  /**
   * Work waiting for the process's event loop when it reaches the request being decided: the upgrade
   * requests behind it, and (in the sim) the messages and pings queued for a core; in real mode, the
   * connections accepted whose request the loop has not read yet and the handshakes in progress.
   */
  readonly queuedWork: number;
  readonly memoryBytes: number;
  /** Memory the server may use before it is killed; Infinity when unlimited. */
  readonly memoryLimitBytes: number;
}

/** Admit, or refuse with a short stable reason ('max-connections', 'cpu', 'memory', 'rate', 'queue') and a retry hint. */
export type AdmissionDecision =
  | { readonly kind: 'admit' }
  | {
      readonly kind: 'refuse';
      readonly reason: string;
      /** When the client may try again (an HTTP 503 Retry-After, in ms), or null for no hint. */
      readonly retryAfterMs: number | null;
    };

/**
 * Decides whether a server takes a new connection. A policy may keep state (a token bucket)
 * advanced only by `nowMs`, and draws from `rng` only to jitter the retry hint of a refusal.
 */
export interface Admission {
  readonly name: string;
  /**
   * True when the policy reads `queuedWork`. A server decides an upgrade when its event loop reaches the
   * request (Node's 'upgrade' event, ws's verifyClient, Socket.IO's allowRequest), after the request
   * waited in the run queue; the backlog it can count is then what waits behind the request. Adapters
   * that can tell arrival from that moment (the sim) decide such a policy then. @default false
   */
  readonly readsBacklog?: boolean;
  admit(view: ServerLoadView, nowMs: number, rng: Rng): AdmissionDecision;
}

/** What a shedder may know about one established connection. */
export interface ConnectionView {
  readonly id: number;
  readonly openedAtMs: number;
  /** When a message last went either way on the connection (pings included, as the adapter counts them). */
  readonly lastActivityMs: number;
}

/**
 * Chooses which established connections to close when a server is over a limit. Returns distinct ids
 * from `connections`, the first to close first; every shedder except `none` returns exactly
 * min(count, connections.length) of them. The input is never modified.
 */
export interface Shedder {
  readonly name: string;
  select(connections: readonly ConnectionView[], count: number, nowMs: number, rng: Rng): number[];
}
