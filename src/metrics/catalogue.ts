/**
 * Every summary metric (summary.json, summary.csv) with its unit, group, meaning and the worlds that
 * write it. Summary keys are typed from these tables, so a metric that is written but not described
 * here, or described but misspelt where it is written, does not compile.
 */
import type { Condition, Unit } from './units.js';

/** Groups in the order report.html and docs/metrics.md show them. */
export const METRIC_GROUPS = {
  clients: 'Clients',
  browser: 'Browser tabs',
  connects: 'Connect attempts',
  handshake: 'Handshakes',
  connections: 'Connections',
  heartbeat: 'Heartbeat',
  servers: 'Servers',
  balancer: 'Balancer',
  cpu: 'CPU',
  messages: 'Messages',
  broker: 'Broker',
  frames: 'Frames',
  polling: 'Long polling',
  recovery: 'Recovery',
  autoscaler: 'Autoscaler',
  alerts: 'Alerts',
  engine: 'Engine',
} as const;
export type MetricGroup = keyof typeof METRIC_GROUPS;

/**
 * What the interval of a capped metric starts from. When what it waits for never happens within the
 * run, the metric holds the time from that start to the run's end (a lower bound), and the report
 * shows "not reached" rather than that number.
 */
export type CapStart = 'disruptive-fault' | 'server-join';

/** A summary metric: a metric real mode does not write says why (`notReal`). */
export type MetricInfo = {
  group: MetricGroup;
  unit: Unit;
  doc: string;
  when?: Condition;
  /** The metric is capped at the run's end, counted from this start (see {@link CapStart}). */
  capped?: CapStart;
  /** Which way is better, where it is clear; the report compares sweep variants with the best one. */
  better?: 'higher' | 'lower';
  /** What real mode's socket-io stack (`--stack socket-io`) writes here instead, where it cannot measure it as the bundled fleet does. */
  socketIo?: string;
} & ({ worlds: readonly ['sim', 'real'] | readonly ['real'] } | { worlds: readonly ['sim']; notReal: string });

const both = ['sim', 'real'] as const;
const sim = ['sim'] as const;
const real = ['real'] as const;

const NO_ACCEPT_QUEUE = 'the kernel’s accept queue and the event loop’s backlog are not visible per connection from Node';
const NO_CPU_SPLIT = 'process CPU time (process.cpuUsage) is not split by kind of work on real sockets';
const NO_ALERTS = 'wsfleet real does not evaluate alert rules (several of their columns are sim-only)';
const NO_LIMIT = 'real servers run without the modelled limit';
const NO_BROWSER = 'real mode’s clients are swarm sockets, not browser tabs';
const NO_SILENT_SOCKET_IO = '0: the stack refuses flaps (a socket.io-client socket cannot be made to go silent without a FIN)';

/** Summary metrics with one fixed key each. */
export const SUMMARY_METRICS = {
  'clients.arrived': { group: 'clients', unit: 'count', worlds: both, doc: 'clients that arrived during the run' },
  'clients.departed': { group: 'clients', unit: 'count', worlds: both, doc: 'clients that left at the end of their session' },
  'clients.gaveUp': { group: 'clients', unit: 'count', worlds: both, better: 'lower', doc: 'clients whose backoff gave up reconnecting' },
  'clients.connected.final': { group: 'clients', unit: 'count', worlds: both, better: 'higher', doc: 'clients connected at the end' },
  'clients.connected.mean': { group: 'clients', unit: 'count', worlds: both, better: 'higher', doc: 'clients connected, time average' },
  'clients.present.mean': { group: 'clients', unit: 'count', worlds: both, doc: 'clients present (arrived, not departed), time average' },
  'clients.moved': { group: 'clients', unit: 'count', worlds: both, doc: 'successful connects on another server than the client’s previous one' },
  'clients.flaps': { group: 'clients', unit: 'count', worlds: both, socketIo: NO_SILENT_SOCKET_IO, doc: 'client network drops without a FIN (flapsPerHour)' },
  'clients.cpu.utilization.mean': { group: 'clients', unit: 'share', worlds: sim, notReal: 'real mode’s swarm processes do not report their CPU time (process.cpuUsage would give it)', doc: 'client machines’ CPU busy on connect attempts and received frames over the run, as a share of their cores, mean over the machines (clients.cpu)', when: 'client-cpu' },
  'clients.cpu.utilization.max': { group: 'clients', unit: 'share', worlds: sim, notReal: 'real mode’s swarm processes do not report their CPU time (process.cpuUsage would give it)', better: 'lower', doc: 'the busiest client machine’s CPU busy over the run as a share of its cores (clients.cpu); a run-long average, so a herd that saturates it for a second shows little here and much in connect.latencyMs', when: 'client-cpu' },
  'browser.users': { group: 'browser', unit: 'count', worlds: sim, notReal: NO_BROWSER, doc: 'users that arrived, each with clients.browser.tabs tabs open on the host', when: 'browser' },
  'browser.tabs': { group: 'browser', unit: 'count', worlds: sim, notReal: NO_BROWSER, doc: 'tabs the users opened (users × tabs); with shareConnection one client serves all of a user’s tabs', when: 'browser' },
  'browser.connectionsPerUser': { group: 'browser', unit: 'count', worlds: sim, notReal: NO_BROWSER, better: 'lower', doc: 'server connections at the end of the run per user that arrived: tabs without sharing, 1 with it', when: 'browser' },
  'browser.requests': { group: 'browser', unit: 'count', worlds: sim, notReal: NO_BROWSER, doc: 'HTTP requests of long-polling tabs through their browser’s per-host connections (session opens, polls, sends)', when: 'browser' },
  'browser.requestsQueued': { group: 'browser', unit: 'count', worlds: sim, notReal: NO_BROWSER, better: 'lower', doc: 'of those, requests that found all of the user’s per-host connections held and waited for one', when: 'browser' },
  availability: { group: 'clients', unit: 'share', worlds: both, better: 'higher', doc: 'share of client-time spent connected (connected area / present area)' },
  'connect.attempts': { group: 'connects', unit: 'count', worlds: both, better: 'lower', doc: 'connect attempts' },
  'connect.succeeded': { group: 'connects', unit: 'count', worlds: both, better: 'higher', doc: 'attempts that opened a connection' },
  'connect.refused': { group: 'connects', unit: 'count', worlds: both, socketIo: '0: socket.io-client reads no HTTP status, so a refused upgrade (the server’s 403 from allowRequest, the proxy’s 503) counts in connect.failed; connect.refused.server and connect.refused.balancer count the refusals where they happen', better: 'lower', doc: 'attempts refused by a server at its cap or by a balancer with no healthy backend' },
  'connect.refused.server': { group: 'connects', unit: 'count', worlds: both, better: 'lower', doc: 'refusals by a server (admission policy or connection cap)' },
  'connect.refused.balancer': { group: 'connects', unit: 'count', worlds: both, better: 'lower', doc: 'refusals by a balancer (no healthy backend)' },
  'connect.refused.ports': { group: 'connects', unit: 'count', worlds: sim, notReal: `${NO_LIMIT} (the proxy’s source ports towards a backend are not exhausted at this scale)`, better: 'lower', doc: 'balancer refusals for want of a source port towards the picked backend' },
  'connect.descriptorsExhausted': { group: 'connects', unit: 'count', worlds: sim, notReal: `${NO_LIMIT} on file descriptors`, better: 'lower', doc: 'connections a server could not accept for want of a file descriptor' },
  'connect.failed': { group: 'connects', unit: 'count', worlds: both, better: 'lower', doc: 'attempts that ended in an error or a connect timeout' },
  'connect.timeouts': { group: 'connects', unit: 'count', worlds: both, better: 'lower', doc: 'attempts that hit the connect timeout' },
  'connect.attemptsPerClient.mean': { group: 'connects', unit: 'count', worlds: both, better: 'lower', doc: 'attempts per client, mean' },
  'connect.attemptsPerClient.max': { group: 'connects', unit: 'count', worlds: both, better: 'lower', doc: 'attempts of the client that tried most' },
  'handshake.waitProbability': {
    group: 'handshake',
    unit: 'share',
    better: 'lower',
    worlds: sim,
    notReal: NO_ACCEPT_QUEUE,
    doc: 'share of accepted handshakes that waited for a core: for Poisson arrivals and exponential handshakes, Erlang C’s probability of waiting',
  },
  'handshake.wasted': { group: 'handshake', unit: 'count', worlds: sim, notReal: 'a server cannot tell that the client of a handshake it finishes has already given up', better: 'lower', doc: 'handshakes finished for clients that had already abandoned the attempt' },
  'connections.dropped': { group: 'connections', unit: 'count', worlds: both, better: 'lower', doc: 'open connections closed under a connected client' },
  'connections.shed': { group: 'connections', unit: 'count', worlds: both, doc: 'connections closed by load shedding' },
  'connections.recycled': { group: 'connections', unit: 'count', worlds: both, doc: 'connections the server closed at their maximum age (server.maxConnectionAgeMs)' },
  'connections.idleClosed.proxy': { group: 'connections', unit: 'count', worlds: sim, notReal: 'the real proxy has no idle timeout', better: 'lower', doc: 'connections the proxy closed for idleness (no frame either way)' },
  'connections.idleClosed.server': { group: 'connections', unit: 'count', worlds: sim, notReal: 'real mode requires messages.idleTimeoutMs: never', better: 'lower', doc: 'connections a server closed for idleness (no data frame)' },
  'connections.slowConsumersClosed': { group: 'connections', unit: 'count', worlds: both, better: 'lower', doc: 'connections the backpressure policy closed as slow consumers', when: 'messages' },
  'heartbeat.pings': { group: 'heartbeat', unit: 'count', worlds: both, doc: 'pings sent by servers' },
  'heartbeat.pongs': { group: 'heartbeat', unit: 'count', worlds: both, doc: 'pongs that reached a server' },
  'heartbeat.timeouts': { group: 'heartbeat', unit: 'count', worlds: both, doc: 'connections the server heartbeat closed (sim: every close; real: of clients that had not flapped)' },
  'heartbeat.clientTimeouts': { group: 'heartbeat', unit: 'count', worlds: both, doc: 'connections clients closed after no ping within the heartbeat’s detection span (sim: only clients of a stopped server keep this watchdog; real: every client does, so a connection dead in the network — a disconnect without FIN — counts here as well as in heartbeat.timeouts)' },
  'heartbeat.deadPeersDetected': { group: 'heartbeat', unit: 'count', worlds: real, socketIo: NO_SILENT_SOCKET_IO, doc: 'heartbeat closes of connections whose client had flapped' },
  'heartbeat.deadPeerDetectionMs.mean': { group: 'heartbeat', unit: 'ms', worlds: both, socketIo: NO_SILENT_SOCKET_IO, better: 'lower', doc: 'from a client’s flap to the server’s heartbeat closing its dead connection, mean' },
  'heartbeat.framesPerDataFrame': { group: 'heartbeat', unit: 'ratio', worlds: both, better: 'lower', doc: 'ping and pong frames per data frame', when: 'messages' },
  'servers.up.final': { group: 'servers', unit: 'count', worlds: both, doc: 'servers running at the end' },
  'servers.connections.imbalance': { group: 'servers', unit: 'ratio', worlds: both, better: 'lower', doc: 'max / mean connections per unit of weight over running servers at the end' },
  'servers.connections.cv': { group: 'servers', unit: 'ratio', worlds: both, better: 'lower', doc: 'coefficient of variation of connections per unit of weight at the end' },
  'servers.cpu.utilization.mean': { group: 'servers', unit: 'share', worlds: both, doc: 'CPU busy over the time servers were up, as a share of their cores' },
  'servers.cpu.utilization.max': { group: 'servers', unit: 'share', worlds: both, better: 'lower', doc: 'the busiest server’s CPU utilisation over its up time' },
  'servers.cpu.imbalance': { group: 'servers', unit: 'ratio', worlds: both, better: 'lower', doc: 'the busiest server’s CPU utilisation over the mean server’s, each over its up time: 1 when load is even' },
  'servers.connections.peak': { group: 'servers', unit: 'count', worlds: both, better: 'lower', doc: 'most connections one server held at once: the busiest server’s peak, what its connection cap and descriptors must hold (real: at a sample)' },
  'servers.memory.peakBytes': { group: 'servers', unit: 'bytes', worlds: both, better: 'lower', doc: 'largest server memory (sim: modelled; real: resident set size at a sample)' },
  'servers.oomKills': { group: 'servers', unit: 'count', worlds: sim, notReal: `${NO_LIMIT} on memory`, better: 'lower', doc: 'server processes killed for memory over the limit' },
  'servers.ghosts.final': { group: 'servers', unit: 'count', worlds: sim, notReal: 'a half-open connection looks alive to a real server until its heartbeat closes it', better: 'lower', doc: 'dead connections servers still held at the end' },
  'balancer.cpu.utilization.mean': { group: 'balancer', unit: 'share', worlds: both, doc: 'balancer CPU busy as a share of its cores (real: proxy process CPU time per process)' },
  'cpu.handshakeOffered.peak': { group: 'cpu', unit: 'share', worlds: sim, notReal: `${NO_CPU_SPLIT}, and CPU offered but not yet run is not observable`, better: 'lower', doc: 'largest handshake CPU offered in an interval, as a share of the running cores' },
  'cpu.wastedShare': { group: 'cpu', unit: 'share', worlds: sim, notReal: NO_CPU_SPLIT, better: 'lower', doc: 'connection-setup CPU spent on refused clients or on clients that had given up' },
  'cpu.messagesShare': { group: 'cpu', unit: 'share', worlds: sim, notReal: NO_CPU_SPLIT, doc: 'server CPU on messages as a share of busy CPU', when: 'messages' },
  'cpu.heartbeatShare': { group: 'cpu', unit: 'share', worlds: sim, notReal: NO_CPU_SPLIT, better: 'lower', doc: 'server CPU on pings and pongs as a share of busy CPU', when: 'messages' },
  'cpu.pollingShare': { group: 'cpu', unit: 'share', worlds: sim, notReal: NO_CPU_SPLIT, better: 'lower', doc: 'server CPU on long polling as a share of busy CPU', when: 'polling' },
  'messages.published': { group: 'messages', unit: 'count', worlds: both, doc: 'messages published', when: 'messages' },
  'messages.publishedPerSec': { group: 'messages', unit: 'per-sec', worlds: both, doc: 'messages published per second of the run', when: 'messages' },
  'messages.fromClients': { group: 'messages', unit: 'count', worlds: both, doc: 'messages published by clients', when: 'messages' },
  'messages.sent': { group: 'messages', unit: 'count', worlds: real, doc: 'messages servers wrote to client sockets', when: 'messages' },
  'messages.delivered': { group: 'messages', unit: 'count', worlds: both, better: 'higher', doc: 'messages clients received (first copies)', when: 'messages' },
  'messages.replayed': { group: 'messages', unit: 'count', worlds: both, doc: 'messages replayed from history on resume', when: 'messages' },
  'messages.dropped': { group: 'messages', unit: 'count', worlds: both, better: 'lower', doc: 'messages dropped by the backpressure policy', when: 'messages' },
  'messages.conflated': { group: 'messages', unit: 'count', worlds: sim, notReal: 'the real servers’ send queues do not conflate', doc: 'messages replaced by a newer one in a conflating queue', when: 'messages' },
  'messages.lost': { group: 'messages', unit: 'count', worlds: both, better: 'lower', doc: 'serials subscribers never received', when: 'messages' },
  'messages.duplicates': { group: 'messages', unit: 'count', worlds: both, better: 'lower', doc: 'messages received more than once', when: 'messages' },
  'messages.outOfOrder': { group: 'messages', unit: 'count', worlds: both, better: 'lower', doc: 'messages received after a later serial', when: 'messages' },
  'messages.inFlight': { group: 'messages', unit: 'count', worlds: sim, notReal: 'frames inside kernel buffers at the end cannot be counted from user space', doc: 'messages still on their way at the end', when: 'messages' },
  'messages.lost.clientsShare': { group: 'messages', unit: 'share', worlds: both, better: 'lower', doc: 'share of subscribers that lost at least one message', when: 'messages' },
  'messages.lost.perClient.mean': { group: 'messages', unit: 'count', worlds: both, better: 'lower', doc: 'lost messages per subscriber, mean', when: 'messages' },
  'messages.lost.perClient.max': { group: 'messages', unit: 'count', worlds: both, better: 'lower', doc: 'lost messages of the subscriber that lost most', when: 'messages' },
  'messages.lostAtBroker': { group: 'messages', unit: 'count', worlds: sim, notReal: 'real mode has no broker-crash fault', better: 'lower', doc: 'publishes a down broker shard refused (broker-crash), one per message whatever its subscribers: they got no serial, so no subscriber sees a gap and they are not in messages.lost (messages still queued in the shard when it died have serials and are)', when: 'broker-crash', },
  'messages.lostAtBroker.recipients': { group: 'messages', unit: 'count', worlds: sim, notReal: 'real mode has no broker-crash fault', better: 'lower', doc: 'the deliveries the refused publishes would have made: subscriptions open on their channels when they were refused, to set beside messages.lost', when: 'broker-crash', },
  'messages.resumes': { group: 'messages', unit: 'count', worlds: both, doc: 'resubscriptions that asked to resume from a serial', when: 'messages' },
  'messages.resumeGaps': { group: 'messages', unit: 'count', worlds: both, better: 'lower', doc: 'resumes that could not be served without a gap', when: 'messages' },
  'messages.discardedOnClose': { group: 'messages', unit: 'count', worlds: sim, notReal: 'ws does not report what a closed socket still had queued', better: 'lower', doc: 'queued messages discarded when their connection closed', when: 'messages' },
  'sendBuffer.peakBytes': { group: 'messages', unit: 'bytes', worlds: sim, notReal: 'not sampled from the real servers yet', better: 'lower', doc: 'largest send-buffer bytes of a server at a sample', when: 'messages' },
  'broker.deliveries': { group: 'broker', unit: 'count', worlds: sim, notReal: 'the embedded hub and Redis do not report deliveries per subscriber', doc: 'broker-to-server deliveries', when: 'messages' },
  'broker.deliveriesPerSec': { group: 'broker', unit: 'per-sec', worlds: sim, notReal: 'the embedded hub and Redis do not report deliveries per subscriber', doc: 'broker-to-server deliveries per second', when: 'messages' },
  'broker.uselessReads': { group: 'broker', unit: 'count', worlds: sim, notReal: 'the embedded hub and Redis do not report reads per subscriber', better: 'lower', doc: 'broker deliveries to servers with no subscriber for the channel', when: 'messages' },
  'broker.utilization': { group: 'broker', unit: 'share', worlds: sim, notReal: 'the broker’s CPU is not sampled in real mode', doc: 'broker busy time as a share of its shards', when: 'messages' },
  'frames.heartbeat': { group: 'frames', unit: 'count', worlds: both, doc: 'ping and pong frames', when: 'messages' },
  'frames.data': { group: 'frames', unit: 'count', worlds: both, doc: 'data frames (messages sent to and published by clients)', when: 'messages' },
  'frames.heartbeatBytes': { group: 'frames', unit: 'bytes', worlds: both, doc: 'bytes of ping (2) and masked pong (6) frames', when: 'messages' },
  'frames.dataBytes': { group: 'frames', unit: 'bytes', worlds: sim, notReal: 'not counted by the real servers yet', doc: 'bytes of data frames', when: 'messages' },
  'polling.clients': { group: 'polling', unit: 'count', worlds: both, doc: 'clients on the long-polling fallback', when: 'polling' },
  'polling.requests': { group: 'polling', unit: 'count', worlds: both, doc: 'long-polling requests', when: 'polling' },
  'polling.requestsPerSec': { group: 'polling', unit: 'per-sec', worlds: both, doc: 'long-polling requests per second', when: 'polling' },
  'polling.sessionUnknown': { group: 'polling', unit: 'count', worlds: both, better: 'lower', doc: 'polls that reached a server without their session', when: 'polling' },
  'polling.sharedLookups': { group: 'polling', unit: 'count', worlds: sim, notReal: 'real mode refuses polling.sessions: shared (its servers keep sessions in their own memory)', doc: 'session lookups in a shared store', when: 'polling' },
  'polling.sessionTimeouts': { group: 'polling', unit: 'count', worlds: both, better: 'lower', doc: 'polling sessions expired for want of a poll', when: 'polling' },
  'polling.answeredWithData': { group: 'polling', unit: 'count', worlds: both, doc: 'polls answered with messages', when: 'polling' },
  'polling.answeredEmpty': { group: 'polling', unit: 'count', worlds: both, doc: 'polls answered empty at their timeout', when: 'polling' },
  'recovery.minConnectedShare': { group: 'recovery', unit: 'share', worlds: both, better: 'higher', doc: 'after the first disruptive fault: lowest connected clients as a share of the count before it (1 without a fault)' },
  'recovery.ms95': { group: 'recovery', unit: 'ms', worlds: both, capped: 'disruptive-fault', better: 'lower', doc: 'from the first disruptive fault until 95 % of the clients connected before it are connected again (never: the time to the run’s end, a lower bound)' },
  'recovery.ms99': { group: 'recovery', unit: 'ms', worlds: both, capped: 'disruptive-fault', better: 'lower', doc: 'from the first disruptive fault until 99 % of the clients connected before it are connected again (never: the time to the run’s end, a lower bound)' },
  'scaleOut.msToFairShare': { group: 'recovery', unit: 'ms', worlds: both, capped: 'server-join', better: 'lower', doc: 'from the first server join until the joined servers carry 90 % of their fair share (never: the time to the run’s end, a lower bound)', when: 'scale-out' },
  'scaleOut.joinedShare.final': { group: 'recovery', unit: 'ratio', worlds: both, better: 'higher', doc: 'joined servers’ connections per weight over the fleet’s at the end', when: 'scale-out' },
  'autoscaler.scaleOuts': { group: 'autoscaler', unit: 'count', worlds: both, doc: 'scale-out decisions (0 without an autoscaler)' },
  'autoscaler.scaleIns': { group: 'autoscaler', unit: 'count', worlds: both, doc: 'scale-in decisions (0 without an autoscaler)' },
  'autoscaler.servers.peak': { group: 'autoscaler', unit: 'count', worlds: both, doc: 'most servers running or provisioning (the fixed fleet without an autoscaler)' },
  'autoscaler.servers.final': { group: 'autoscaler', unit: 'count', worlds: both, doc: 'servers running or provisioning at the end' },
  'events.processed': { group: 'engine', unit: 'count', worlds: sim, notReal: 'real mode has no event queue: its events are the kernel’s and the event loops’', doc: 'discrete events the engine processed' },
} as const satisfies Record<string, MetricInfo>;

/** Statistics of a latency family: `<family>.mean`, `.p50`, … */
export const LATENCY_STATS = {
  mean: 'mean',
  p50: 'median',
  p90: '90th percentile',
  p99: '99th percentile',
  max: 'maximum',
  count: 'samples',
} as const;
export type LatencyStat = keyof typeof LATENCY_STATS;

/** Latency families; `cdf: true` ones are also in distributions.csv (RunResult.distributions). */
export const LATENCY_METRICS = {
  'connect.latencyMs': { group: 'connects', unit: 'ms', worlds: both, cdf: true, socketIo: 'to socket.io-client’s connect event: the upgrade, Engine.IO’s open packet and the namespace CONNECT round trip', better: 'lower', doc: 'from the start of an attempt to the open connection' },
  'browser.requestWaitMs': { group: 'browser', unit: 'ms', worlds: sim, cdf: false, notReal: NO_BROWSER, better: 'lower', doc: 'time a long-polling tab’s HTTP request waited in the browser for one of its user’s per-host connections (0 for most)', when: 'browser' },
  'handshake.waitMs': { group: 'handshake', unit: 'ms', worlds: sim, cdf: true, notReal: NO_ACCEPT_QUEUE, better: 'lower', doc: 'time an accepted handshake waited for a core' },
  'messages.latencyMs': { group: 'messages', unit: 'ms', worlds: sim, cdf: false, notReal: 'real messages carry no publish timestamp yet', better: 'lower', doc: 'from publish to delivery at the client', when: 'messages' },
  'messages.replayLatencyMs': { group: 'messages', unit: 'ms', worlds: sim, cdf: false, notReal: 'real messages carry no publish timestamp yet', better: 'lower', doc: 'from publish to delivery of replayed messages', when: 'messages' },
} as const satisfies Record<string, MetricInfo & { cdf: boolean }>;
export type LatencyMetric = keyof typeof LATENCY_METRICS;

/** Latency families kept as distributions (distributions.csv, latency-cdf charts). */
export const DISTRIBUTION_METRICS = ['connect.latencyMs', 'handshake.waitMs'] as const satisfies readonly LatencyMetric[];
export type DistributionMetric = (typeof DISTRIBUTION_METRICS)[number];

/** Families of keys named by the experiment (alert rules) or by a fault's position. */
export const METRIC_PATTERNS = [
  { pattern: 'alerts.<rule>.firings', regex: /^alerts\.[a-z0-9][a-z0-9-]*\.firings$/, group: 'alerts', unit: 'count', worlds: sim, notReal: NO_ALERTS, when: 'alerts', doc: 'times the rule fired (per server and fleet-wide)' },
  { pattern: 'alerts.<rule>.firstFiredMs', regex: /^alerts\.[a-z0-9][a-z0-9-]*\.firstFiredMs$/, group: 'alerts', unit: 'ms', worlds: sim, notReal: NO_ALERTS, when: 'alerts', doc: 'when the rule first fired (NaN: never)' },
  { pattern: 'alerts.<rule>.detectMs.fault<k>', regex: /^alerts\.[a-z0-9][a-z0-9-]*\.detectMs\.fault\d+$/, group: 'alerts', unit: 'ms', worlds: sim, notReal: NO_ALERTS, when: 'alerts', doc: 'from the k-th fault to the first firing that detects it (NaN: none)' },
] as const satisfies readonly (MetricInfo & { pattern: string; regex: RegExp })[];

export type StaticMetric = keyof typeof SUMMARY_METRICS;
export type AlertKey = `alerts.${string}.firings` | `alerts.${string}.firstFiredMs` | `alerts.${string}.detectMs.fault${number}`;
/** Every key a single run's summary.json can hold. */
export type SummaryKey = StaticMetric | `${LatencyMetric}.${LatencyStat}` | AlertKey;
/** A sweep's summary.json: `variants.<n>.<metric>.mean` and `.ci95`. */
export type SweepSummaryKey = `variants.${number}.${SummaryKey}.${'mean' | 'ci95'}`;
/** A run's metrics under their catalogued names; a misspelt key is a type error. */
export type MetricValues = { [K in SummaryKey]?: number };
