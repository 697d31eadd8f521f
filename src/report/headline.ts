import type { SummaryKey } from '../metrics/index.js';

/** The metrics `wsfleet run` prints and the playground shows after a run, with their labels; keys are checked against the metric catalogue. */
export const HEADLINE: [SummaryKey, string][] = [
  ['clients.connected.final', 'clients connected at the end'],
  ['clients.connected.mean', 'clients connected, time average'],
  ['availability', 'availability (share of client-time connected)'],
  ['connect.attempts', 'connect attempts'],
  ['connect.succeeded', '  succeeded'],
  ['connect.refused', '  refused'],
  ['connect.failed', '  failed'],
  ['connect.latencyMs.p50', 'connect latency p50 (ms)'],
  ['connect.latencyMs.p99', 'connect latency p99 (ms)'],
  ['handshake.waitMs.mean', 'handshake wait for a core, mean (ms)'],
  ['connections.dropped', 'connections dropped'],
  ['heartbeat.timeouts', 'heartbeat timeouts'],
  ['servers.connections.imbalance', 'connection imbalance at the end (max/mean)'],
  ['servers.cpu.utilization.mean', 'server CPU utilisation, mean'],
  ['events.processed', 'events processed'],
];
