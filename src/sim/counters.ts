/** Event counts of one run; names map to summary keys in summary.ts. */
export class Counters {
  arrivals = 0;
  departures = 0;
  attempts = 0;
  succeeded = 0;
  /** Refusals seen by clients: by a server at its cap or by a balancer with no healthy backend. */
  refused = 0;
  serverRefused = 0;
  balancerRefused = 0;
  /** Attempts that ended in an error or a connect timeout. */
  failed = 0;
  timeouts = 0;
  /** Established connections closed under a connected client. */
  drops = 0;
  gaveUp = 0;
  /** Client network drops (flapsPerHour). */
  flaps = 0;
  /** Dead connections found by the server's heartbeat, and the total time they lingered. */
  deadPeersDetected = 0;
  /** Connections left dead on a server by a silent drop. */
  ghosts = 0;
  deadPeerDetectionMs = 0;
  heartbeatTimeouts = 0;
  /** Connections clients gave up after no ping for the heartbeat's detection span (a stopped server). */
  clientTimeouts = 0;
  pings = 0;
  /** Accepted handshakes that found every core of their process busy. */
  handshakesWaited = 0;
  /** Pongs that reached a server. */
  pongs = 0;
  /** Connections closed for idleness by the proxy (no frame either way) or by the server (no data frame). */
  idleClosedProxy = 0;
  idleClosedServer = 0;
  /** Connections the backpressure policy closed as slow consumers. */
  slowConsumersClosed = 0;
  /** Successful connects of clients that had been on another server before. */
  moved = 0;
  /** Balancer refusals because no source port was left towards the picked backend. */
  portsExhausted = 0;
  /** Connections a server could not accept for want of a file descriptor. */
  descriptorsExhausted = 0;
  oomKills = 0;
  /** Connections closed by a graceful drain. */
  drained = 0;
  /** Connections the server closed at their maximum age (server.maxConnectionAgeMs). */
  recycled = 0;
  /** Connections closed by load shedding. */
  shed = 0;
  /** Handshakes finished for clients that had already abandoned the attempt. */
  handshakesWasted = 0;
}
