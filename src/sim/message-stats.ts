/** What happened to the messages, over the run. */
export class MessageCounters {
  published = 0;
  /** Messages the broker sent to a server process (one per target). */
  brokerDeliveries = 0;
  /** Messages a server read from the broker with no local subscriber for them (every-server reads). */
  uselessReads = 0;
  /** Messages offered to a connection's backpressure policy (live and replayed). */
  offered = 0;
  replayed = 0;
  /** Messages the backpressure policy dropped (newest, oldest or conflated away). */
  policyDrops = 0;
  conflated = 0;
  /** Slow consumers the policy disconnected. */
  policyDisconnects = 0;
  /** Queued messages discarded when their connection closed (resume may bring them back). */
  discardedOnClose = 0;
  /** Drops a later resume replaced by its own decision (replayed, or counted in its gap). */
  dropsSuperseded = 0;
  /** Skips at receivers explained by policy drops. */
  droppedFinal = 0;
  /** Resume outcomes. */
  resumes = 0;
  resumeGaps = 0;
  clientPublishes = 0;
  /** Wire bytes of data frames: written to clients (after delta encoding) and sent by clients (masked). */
  dataBytes = 0;
  /** Distinct serials handed to client applications (duplicates excluded). */
  delivered = 0;
  /** At departure or at the end: serials published since the client's last one that it never got. */
  inFlight = 0;
  /** Drops still pending at departure or at the end (nothing later was received on that channel). */
  droppedPending = 0;
  /** Missed by clients disconnected at the end that resume would not recover, or that gave up. */
  lostAtEnd = 0;
  /** Publishes a down broker shard refused (broker-crash): no serial, no fan-out. */
  lostAtBroker = 0;
  /** Subscriptions open on the channels of those publishes when they were refused. */
  lostAtBrokerRecipients = 0;
}

/** A WebSocket frame's size on the wire from the server: 2, 4 or 10 bytes of header, then the payload. */
export function frameBytes(payload: number): number {
  return payload + (payload < 126 ? 2 : payload < 65_536 ? 4 : 10);
}

/** Server × process targets of a message, as one number: server id × MAX_PROCESSES + process. */
export const MAX_PROCESSES = 256;
