/**
 * Time-series column names shared by the sim and real mode (timeseries.csv); counts of events are per
 * sample interval. Each world adds the columns only it can measure.
 */
export const CONNECTION_COLUMNS = [
  'clients.present',
  'clients.connected',
  'clients.connecting',
  'clients.waiting',
  'clients.gaveUp',
  'connect.attempts',
  'connect.succeeded',
  'connect.refused',
  'connect.failed',
  'connect.timeouts',
  'connections.dropped',
  'heartbeat.timeouts',
  'servers.up',
] as const;

/** Per-server columns `server.<id>.<name>`; handshakes and refusals are per interval. */
export const SERVER_COLUMNS = ['connections', 'cpu', 'queue', 'memoryBytes', 'handshakes', 'refusals', 'up'] as const;
