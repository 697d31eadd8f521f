/**
 * One decision of a shared rule, as both worlds log it: what a client's backoff chose, what a balancer's
 * health check concluded, when a server's heartbeat gave up on a connection, what admission said.
 * Clients are numbered in arrival order in both worlds; `attempt` counts a client's connect attempts from 1.
 */
export type Decision =
  /** A client's reconnect loop after a drop, refusal or failure: `delayMs` null means it gave up. */
  | { kind: 'backoff'; atMs: number; client: number; retry: number; delayMs: number | null }
  /** A balancer's belief about a server flipped. */
  | { kind: 'health'; atMs: number; balancer: number; server: number; healthy: boolean }
  /** A server's heartbeat gave up on a silent connection and closed it. */
  | { kind: 'heartbeat-close'; atMs: number; server: number; client: number; attempt: number }
  /**
   * A server's answer to an upgrade request: `limit` when its connection cap refused before the admission
   * policy was asked; `retryAfterMs` is a refusal's hint (null: none).
   */
  | { kind: 'admission'; atMs: number; server: number; client: number; admit: boolean; limit: boolean; retryAfterMs: number | null };

export type DecisionKind = Decision['kind'];

/** Where a world writes its decisions; the sim's rooms and real mode's processes call it at each decision. */
export interface DecisionLog {
  record(decision: Decision): void;
}

/** Logs nothing: the default, so a run that is not compared pays one call per decision. */
export const noDecisionLog: DecisionLog = { record: () => undefined };

/** Keeps every decision in order; `take` hands them over and starts a new batch. */
export class DecisionList implements DecisionLog {
  private entries: Decision[] = [];

  record(decision: Decision): void {
    this.entries.push(decision);
  }

  take(): Decision[] {
    const taken = this.entries;
    this.entries = [];
    return taken;
  }
}

/** The decisions of one kind, in order. */
export function decisionsOf<K extends DecisionKind>(decisions: readonly Decision[], kind: K): Extract<Decision, { kind: K }>[] {
  return decisions.filter((d): d is Extract<Decision, { kind: K }> => d.kind === kind);
}
