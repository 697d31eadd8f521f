import { z } from 'zod';
import { admissions, backoffs, backpressures, balancers, heartbeats, resumes, shedders } from '../../strategies/index.js';
import { durationMs, nonNegativeQuantity, positiveQuantity } from './distribution.js';
import { oneOf } from './one-of.js';
import { strategyChoice } from './strategy.js';
import { chartEntry } from './charts.js';
import { alertRules } from './alerts.js';
import { checkBounds } from './bounds.js';
import { validateSection } from './validate.js';
import { planSection } from './plan.js';
import { chartFileNames, type ChartNaming } from '../../metrics/index.js';

/** Names of the profiles in models/, by kind; they become enums in the JSON Schema. */
export interface ProfileNames {
  servers: string[];
  networks: string[];
  clients: string[];
  balancers: string[];
}

export const PROFILE_KINDS = ['servers', 'networks', 'clients', 'balancers'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

/**
 * Where in an experiment each kind of profile is referenced (`*` is every item of a list), and
 * the profile used when none is named. A slot with `unlessSibling` is left empty when absent and that sibling is present.
 */
export const PROFILE_SLOTS: readonly { kind: ProfileKind; path: readonly string[]; fallback: string; unlessSibling?: string }[] = [
  { kind: 'servers', path: ['fleet', 'server'], fallback: 'node-ws-plain', unlessSibling: 'groups' },
  { kind: 'servers', path: ['fleet', 'groups', '*', 'server'], fallback: 'node-ws-plain' },
  { kind: 'networks', path: ['fleet', 'network'], fallback: 'broadband' },
  { kind: 'clients', path: ['clients'], fallback: 'browser' },
  { kind: 'balancers', path: ['balancer'], fallback: 'haproxy' },
];

/** A week of virtual time: longer runs are beyond any question the model answers. */
const MAX_DURATION_MS = 7 * 24 * 3600 * 1000;

const nonNegativeMs = z.number().min(0);
const positiveMs = z.number().positive();

function profileRef(names: string[]) {
  const description = 'a profile from models/; keys next to it override its values';
  return (names.length > 0 ? z.enum(names as [string, ...string[]]) : z.string()).optional().describe(description);
}

const bytes = z.number().int().min(0);

/** Server fields; a server profile supplies any subset of them. */
export const serverFields = {
  processes: z.number().int().min(1).max(256).default(1).describe('processes per server (Node cluster workers); connections spread round-robin'),
  coresPerProcess: z.number().int().min(1).max(256).default(1).describe('cores sharing a process run queue; a Node process has 1'),
  maxConnections: z.number().int().min(1).describe('connections (established plus in handshake) before new ones get 503'),
  fileDescriptors: z.number().int().min(32).describe('descriptors per process (ulimit -n); none left: accept() fails and clients time out'),
  weight: z.number().positive().default(1).describe('relative capacity for weighted balancing'),
  memory: z
    .object({
      baseBytes: bytes.describe('resident memory of an idle process'),
      perConnectionBytes: bytes.describe('memory per open connection'),
      limitBytes: z.number().int().positive().describe('above this the server is killed (OOM)'),
    })
    .strict(),
  restartAfterOomMs: nonNegativeMs.default(10_000).describe('supervisor restart delay after an OOM kill'),
  admission: strategyChoice(admissions, 'admission policy').default('accept-all'),
  refusalCostMs: durationMs.default(0.05).describe('CPU to refuse a connection (accept, parse, 503)'),
  shedding: z
    .object({
      strategy: strategyChoice(shedders, 'shedding order').default('idle-first'),
      limit: z.number().int().min(0).nullable().default(null).describe('close established connections above this count; null: never'),
      intervalMs: positiveMs.default(1000),
    })
    .strict()
    .prefault({}),
  dropAbandonedHandshakes: z.boolean().default(false).describe('skip queued handshakes whose client already gave up'),
  handshakeCostMs: durationMs.describe('CPU per WebSocket handshake (HTTP upgrade, plus TLS when used)'),
  pingCostMs: durationMs.describe('CPU to send one ping'),
  pongCostMs: durationMs.describe('CPU to read one pong'),
  healthCheckCostMs: durationMs.default(0.05).describe('CPU to answer one balancer health check'),
  messageInCostMs: durationMs.default(0.02).describe('CPU to read one message a client publishes (frame, parse, hand to the broker)'),
  messageReadCostMs: durationMs.default(0.01).describe('CPU for a process to read one message from the broker, with or without local subscribers'),
  messageOutCostMs: durationMs.default(0.006).describe('CPU per recipient of a message: frame and write to one socket'),
  pollRequestCostMs: durationMs.default(0.15).describe('CPU per long-poll HTTP request (parse, session lookup, response)'),
  pollSessionBytes: bytes.default(20_480).describe('memory of a long-polling session on top of perConnectionBytes'),
  maxConnectionAgeMs: z
    .union([z.literal('never'), durationMs])
    .default('never')
    .describe(
      'close each connection this long after it opened, drawn per connection (a distribution spreads the reconnects): Envoy max_connection_duration, gRPC MAX_CONNECTION_AGE; the client reconnects by its backoff',
    ),
};

export const balancerFields = {
  count: z.number().int().min(1).max(64).default(1).describe('balancers in the tier; clients pick one per attempt (DNS round-robin)'),
  strategy: strategyChoice(balancers, 'balancing algorithm'),
  healthCheck: z
    .object({
      mode: z.enum(['tcp', 'http']).default('tcp').describe('tcp: a connect the kernel answers (HAProxy `check`); http: a request the process must serve (`option httpchk`)'),
      intervalMs: positiveMs.default(2000),
      timeoutMs: positiveMs.default(2000).describe('a check answered later fails'),
      fall: z.number().int().min(1).default(3),
      rise: z.number().int().min(1).default(2),
    })
    .strict()
    .prefault({})
    .describe('HAProxy defaults: inter 2000 ms, fall 3, rise 2'),
  reportIntervalMs: positiveMs.describe('how often server load reaches the balancer; decisions in between are stale'),
  connectTimeoutMs: positiveMs.describe('wait for a dead backend before answering 503'),
  maxConnections: z.number().int().min(1).describe('proxied connections per balancer (maxconn)'),
  queueTimeoutMs: nonNegativeMs.default(0).describe('wait for a free slot at maxConnections; 0 refuses at once'),
  portsPerBackend: z.number().int().min(1).describe('source ports per backend address (ephemeral range)'),
  cpuPerConnectionMs: durationMs.describe('balancer CPU per new connection'),
  cores: z.number().int().min(1).max(256).default(1),
  idleTimeoutMs: z
    .union([positiveMs, z.literal('never')])
    .default('never')
    .describe('close a proxied connection with no frame either way for this long (nginx proxy_read_timeout 60 s, AWS ALB 60 s)'),
};

export const networkFields = {
  clientLatencyMs: durationMs.describe('one-way latency client ↔ balancer, drawn once per client'),
  backendLatencyMs: durationMs.describe('one-way latency balancer ↔ server, drawn per connection'),
  downlinkBytesPerSec: positiveQuantity('bytes per second').default(1_250_000).describe('downlink bandwidth of a client, drawn once per client (10 Mbit/s)'),
  pathBufferBytes: bytes
    .default(131_072)
    .describe('bytes in flight between the server socket and the client app (kernel buffers, browser receive quota); beyond them messages wait at the server'),
};

export const clientFields = {
  connectTimeoutMs: positiveMs.describe('an attempt without an answer by then fails'),
  reconnect: strategyChoice(backoffs, 'reconnect backoff'),
  sessionMs: z.union([z.literal('forever'), durationMs]).describe('time a client stays once connected'),
  initialSpreadMs: z.number().min(0).default(0).describe('the first connect waits uniform(0, spread) after arrival'),
  initial: z
    .number()
    .int()
    .min(0)
    .max(16_000_000)
    .default(0)
    .describe('clients already connected at t = 0 (a warm start), placed by the balancer with no handshake, heartbeats at random phases; arrivals come on top'),
  flapsPerHour: z.number().min(0).default(0).describe('network drops per connected hour (mobile handovers); each forces a reconnect'),
  consumePerSec: positiveQuantity('messages per second')
    .default(1000)
    .describe('messages per second the client application processes, drawn once per client; slow consumers have few'),
  cpu: z
    .object({
      machines: z
        .number()
        .int()
        .min(1)
        .max(100_000)
        .describe('client machines the clients share; client i (in order of arrival) runs on machine i mod machines, as real mode spreads its clients over its swarm processes'),
      coresPerMachine: z
        .number()
        .int()
        .min(1)
        .max(256)
        .default(1)
        .describe('cores of one client machine that run connects, in a FIFO run queue (a Node swarm process or a browser tab: 1)'),
      connectCostMs: durationMs.describe(
        'client CPU per connect attempt (socket, TLS key exchange, upgrade request, and the parse of the reply, all counted before the request leaves); it queues on the client machine, so a herd sharing a machine connects late',
      ),
      messageCostMs: durationMs
        .nullable()
        .default(null)
        .describe(
          'client CPU per frame received (a message or a ping: frame parse, the message event, the pong written back), queued on the client machine when the frame arrives, in the order frames are written (exact when the machine’s clients share one network latency, as a load-test rig’s do); a fan-out to many clients of one machine reaches the last of them late; null: receiving costs nothing',
        ),
    })
    .strict()
    .nullable()
    .optional()
    .describe('client-side CPU on connects and received frames, on shared client machines (a load-test rig, a swarm on the test machine); absent or null: clients cost nothing'),
  browser: z
    .object({
      tabs: z
        .number()
        .int()
        .min(1)
        .max(64)
        .describe('tabs each user keeps open on the host; every arrival is a user, and each tab is a client with its own connection unless shareConnection'),
      perHostConnections: z
        .number()
        .int()
        .min(1)
        .max(256)
        .default(6)
        .describe(
          "HTTP/1.1 connections the browser opens to one host at a time (Chrome and Firefox: 6); a long-polling tab's requests (session open, every poll, every send) each hold one until the response is back and wait in order when all are held. WebSocket connections have their own, larger limit (255 per host in Chrome, 200 in Firefox) and never wait here",
        ),
      shareConnection: z
        .boolean()
        .default(false)
        .describe("the user's tabs share one connection (a SharedWorker or a leader tab relaying to the others); false: one connection per tab"),
    })
    .strict()
    .nullable()
    .optional()
    .describe("users with several tabs on the host, and the browser's per-host connection pool their long-polling requests share; absent or null: each arrival is one client"),
  arrivals: oneOf(
    {
      poisson: z
        .object({ ratePerSec: z.number().positive(), startMs: nonNegativeMs.default(0), stopMs: positiveMs.optional() })
        .strict(),
      ramp: z.object({ clients: z.number().int().min(1).max(16_000_000), overMs: positiveMs, startMs: nonNegativeMs.default(0) }).strict(),
    },
    'how clients arrive: { poisson: { ratePerSec } } or { ramp: { clients, overMs } }',
  ),
};

const crash = z
  .object({
    server: z.union([z.number().int().min(0), z.literal('random')]).describe('server index, or random'),
    atMs: nonNegativeMs,
    restartAfterMs: nonNegativeMs.nullable().default(null).describe('null: stays down'),
    host: z
      .enum(['down', 'up'])
      .default('down')
      .describe('down: the machine is gone, connects and checks time out; up: only the process died, the kernel answers RST at once'),
  })
  .strict();

const scaleOut = z
  .object({
    servers: z.number().int().min(1).describe('the last N servers of the fleet start absent and join'),
    atMs: nonNegativeMs,
  })
  .strict();

const serverRef = z.union([z.number().int().min(0), z.literal('random')]).describe('server index, or random');

/** Every kind of fault an experiment can schedule. */
const faultKinds = {
  crash,
  'scale-out': scaleOut,
  drain: z
    .object({
      server: serverRef,
      atMs: nonNegativeMs,
      windowMs: positiveMs.default(30_000).describe('connections are closed spread over this window'),
      restartAfterMs: nonNegativeMs.nullable().default(null).describe('stop once empty and start again after this; null: stays drained'),
    })
    .strict(),
  'rolling-restart': z
    .object({
      atMs: nonNegativeMs,
      windowMs: positiveMs.default(30_000).describe('drain window of each server'),
      restartAfterMs: nonNegativeMs.default(10_000).describe('time each server is down'),
      pauseMs: nonNegativeMs.default(10_000).describe('pause before the next server'),
    })
    .strict(),
  hang: z.object({ server: serverRef, atMs: nonNegativeMs, durationMs: positiveMs }).strict(),
  'flash-crowd': z.object({ clients: z.number().int().min(1).max(16_000_000), atMs: nonNegativeMs, overMs: positiveMs.default(1000) }).strict(),
  partition: z
    .object({ share: z.number().gt(0).max(1).describe('share of clients cut off'), atMs: nonNegativeMs, durationMs: positiveMs })
    .strict(),
  disconnect: z
    .object({
      share: z.number().gt(0).max(1).describe('share of the open connections closed at once (a gateway or proxy restart)'),
      atMs: nonNegativeMs,
      server: serverRef.optional().describe('only this server’s connections (default: the whole fleet)'),
      group: z.string().optional().describe('only the connections of this server group (default: the whole fleet)'),
      fin: z
        .boolean()
        .default(true)
        .describe('true: the proxy closes both sockets and both ends see it at once; false: its state is lost silently (a NAT or L4 balancer restart) and each end finds out from its heartbeat'),
    })
    .strict()
    .refine((f) => f.server === undefined || f.group === undefined, { error: 'expected server or group, not both' }),
  slowdown: z
    .object({ atMs: nonNegativeMs, durationMs: positiveMs, factor: z.number().positive().describe('handshake CPU multiplier') })
    .strict(),
  'balancer-crash': z
    .object({
      balancer: z.number().int().min(0).describe('balancer index (0 to balancer.count − 1)'),
      atMs: nonNegativeMs,
      restartAfterMs: nonNegativeMs.nullable().default(null).describe('null: stays down'),
    })
    .strict()
    .describe('a balancer process dies: every connection through it closes, and until it restarts the clients DNS sends to it get a reset'),
  'broker-crash': z
    .object({
      atMs: nonNegativeMs,
      restartAfterMs: nonNegativeMs.nullable().default(null).describe('null: stays down'),
      shard: z.number().int().min(0).optional().describe('broker shard index (0 to messages.broker.shards − 1; default: every shard)'),
      keepsHistory: z
        .boolean()
        .default(false)
        .describe('true: the channel history survives the restart (Redis AOF or a replica); false: it restarts empty, so no resume can replay what was published before'),
    })
    .strict()
    .describe(
      'the pub/sub broker (or one shard) dies: publishes to it fail and nothing fans out from it, while client connections stay open (the WebSocket servers are up); needs messages',
    ),
};

/** Channels, publishers, broker and the per-connection delivery policies. */
const messagesSection = z
  .object({
    channels: z.number().int().min(1).max(1_000_000).default(1),
    popularityExponent: z.number().min(0).default(1).describe('Zipf exponent of channel popularity: 0 uniform, 1 a few hot channels and a long tail'),
    subscriptionsPerClient: z.number().int().min(1).max(16).default(1).describe('channels each client subscribes to, drawn by popularity'),
    bytes: durationMs.default(200).describe('message payload size in bytes (a distribution, same syntax as durations)'),
    backendPerSec: z.number().min(0).default(0).describe('publishes per second from application backends straight to the broker'),
    clientPerSec: nonNegativeQuantity('publishes per second')
      .default(0)
      .describe(
        'publishes per second per connected client (chat), on one of its channels; a distribution is drawn once per client, so connections differ in ongoing load (a few busy publishers among many listeners)',
      ),
    broker: z
      .object({
        targets: z
          .enum(['every-server', 'subscribed'])
          .default('every-server')
          .describe('every-server: each server reads each message (Socket.IO Redis adapter); subscribed: only servers with subscribers'),
        shards: z.number().int().min(1).max(1024).default(1).describe('broker shards, one core each; channel c lives on shard c mod shards'),
        publishCostMs: z.number().min(0).default(0.01).describe('broker CPU per published message (Redis PUBLISH: about 100k/s per core)'),
        deliveryCostMs: z.number().min(0).default(0.002).describe('broker CPU per server a message is sent to'),
        latencyMs: z.number().min(0).default(0.25).describe('one-way latency server ↔ broker'),
      })
      .strict()
      .prefault({}),
    backpressure: strategyChoice(backpressures, 'backpressure policy, one per connection').default('unbounded'),
    resume: strategyChoice(resumes, 'resume on reconnect').default('none'),
    history: z
      .object({
        maxMessages: z.union([z.number().int().min(0), z.literal('unbounded')]).default(100).describe('messages kept per channel (Centrifugo history_size)'),
        ttlMs: z.union([positiveMs, z.literal('forever')]).default(300_000).describe('how long a message is kept (Centrifugo history_ttl)'),
      })
      .strict()
      .prefault({}),
    idleTimeoutMs: z
      .union([positiveMs, z.literal('never')])
      .default('never')
      .describe('the server closes a connection with no data frame either way for this long (pings do not count)'),
    fanout: z
      .enum(['cohort', 'batched', 'per-recipient'])
      .default('cohort')
      .describe(
        'cohort: one CPU job per message per server process, subscribers that keep up recorded together (fastest); batched: the same job, one write per subscriber (the exact reference); per-recipient: one job and one event per recipient',
      ),
  })
  .strict();

/** Long-polling clients (the fallback transport). */
const pollingSection = z
  .object({
    share: z.number().min(0).max(1).describe('share of clients that cannot use WebSocket and long-poll'),
    holdMs: positiveMs.default(25_000).describe('the server holds an empty poll this long (Engine.IO pingInterval)'),
    sessionTimeoutMs: positiveMs.default(45_000).describe('a session with no poll for this long is closed (pingInterval + pingTimeout)'),
    sessions: z
      .enum(['local', 'shared'])
      .default('local')
      .describe('local: a poll on another server fails with 400 "Session ID unknown"; shared: any server finds the session in a store'),
    sharedLookupMs: z.number().min(0).default(1).describe('round trip to the shared session store'),
    farm: z.string().nullable().default(null).describe('server group serving polling clients (a separate farm); null: the whole fleet'),
  })
  .strict();

/** The whole experiment file; built per profile catalogue so editors can complete profile names. */
/** Section fields; for editors every field is optional, because a profile may supply it. */
function section<T extends Record<string, z.ZodType>>(fields: T, forEditor: boolean): T {
  if (!forEditor) return fields;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])) as unknown as T;
}

export function buildExperimentSchema(profiles: ProfileNames, chartNames: readonly string[], forEditor = false) {
  return z
    .object({
      $schema: z.string().optional(),
      wsfleetVersion: z.string().optional().describe('written into resolved experiments'),
      name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lowercase letters, digits and dashes'),
      question: z.string().min(1).describe('the one question this experiment answers'),
      lookAt: z.string().optional().describe('what to look at in the results'),
      keyChart: z
        .string()
        .min(1)
        .optional()
        .describe('the chart that answers the question, as lookAt names it (a file name under charts/ without extension, e.g. compare-recovery.ms99); the gallery shows it and report.html puts it first'),
      seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
      durationMs: positiveMs.max(MAX_DURATION_MS).describe('virtual time simulated, at most 7 days'),
      sampleIntervalMs: positiveMs.default(1000),
      fleet: z
        .object({
          servers: z.number().int().min(1).max(100_000).optional().describe('server count, with `server`; or use `groups`'),
          server: z.object({ profile: profileRef(profiles.servers), ...section(serverFields, forEditor) }).strict().optional(),
          groups: z
            .array(
              z
                .object({
                  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lowercase letters, digits and dashes'),
                  servers: z.number().int().min(1).max(100_000),
                  server: z.object({ profile: profileRef(profiles.servers), ...section(serverFields, forEditor) }).strict(),
                })
                .strict(),
            )
            .min(1)
            .optional()
            .describe('heterogeneous fleets: groups of servers of one type each'),
          network: z.object({ profile: profileRef(profiles.networks), ...section(networkFields, forEditor) }).strict(),
        })
        .strict()
        .refine((f) => (f.groups === undefined) !== (f.servers === undefined), {
          error: 'expected exactly one of: servers (with server), groups',
        }),
      balancer: z.object({ profile: profileRef(profiles.balancers), ...section(balancerFields, forEditor) }).strict(),
      heartbeat: strategyChoice(heartbeats, 'heartbeat').default('ping-pong'),
      heartbeatModel: z
        .enum(['per-connection', 'cohort'])
        .default('per-connection')
        .describe(
          'per-connection: every ping and pong an event and a CPU job (the exact reference); cohort: connections in a steady cycle are kept per server process as a fluid of CPU work and counted in bulk, handed back to the per-connection path when anything could change their cycle (fastest; a ping delayed behind other work does not shift its later ones)',
        ),
      clients: z.object({ profile: profileRef(profiles.clients), ...section(clientFields, forEditor) }).strict(),
      faults: z.array(oneOf(faultKinds, 'a scheduled fault')).default([]),
      messages: messagesSection.nullable().default(null).describe('channels, publishers, broker, backpressure and resume; null: no messages'),
      polling: pollingSection.nullable().default(null).describe('clients on the long-polling fallback; null: all on WebSocket'),
      alerts: alertRules,
      charts: z.array(chartEntry(chartNames)).default([]).describe('charts to draw: a name (wsfleet list charts) or { kind: options }'),
      autoscaling: z
        .object({
          metric: z.enum(['connections', 'cpu']).default('cpu').describe('mean over active servers, compared with target'),
          target: z.number().positive().describe('connections per server, or CPU utilisation 0–1'),
          min: z.number().int().min(1).default(1),
          max: z.number().int().min(1).max(100_000),
          intervalMs: positiveMs.default(15_000).describe('evaluation period (Kubernetes HPA: 15 s)'),
          provisionMs: nonNegativeMs.default(60_000).describe('from decision to a server taking traffic'),
          cooldownMs: nonNegativeMs.default(300_000).describe('no scale-in sooner after a change (HPA scale-down stabilisation: 300 s)'),
          drainMs: positiveMs.default(30_000).describe('a scaled-in server closes its connections over this window'),
          rebalanceShare: z.number().min(0).max(1).default(0).describe('share of connections above the mean to shed from fuller servers when one joins'),
        })
        .strict()
        .nullable()
        .optional()
        .describe('grow and shrink the fleet with load; new servers are of the last group type; null: a fixed fleet'),
      sweep: z
        .object({
          grid: z
            .record(z.string().regex(/^[A-Za-z0-9$-]+(\.[A-Za-z0-9$-]+)*$/, 'expected a dotted path such as balancer.strategy'), z.array(z.unknown()).min(1))
            .describe('experiment paths to the values to try; every combination is one variant'),
          replications: z.number().int().min(1).max(1000).default(1).describe('runs per variant, each with its own derived seed'),
          compare: z.array(z.string()).default([]).describe('summary metrics to chart across variants, with 95 % confidence intervals'),
          compareSeries: z.array(z.string()).default([]).describe('time-series columns to overlay across variants'),
        })
        .strict()
        .optional()
        .describe('run variants of this experiment and compare them'),
      validate: validateSection.optional().describe('what wsfleet validate compares in the sim and on real sockets; the runs ignore it'),
      plan: planSection.optional().describe('what wsfleet plan searches for: SLOs, faults to survive, the search space and the objective; wsfleet run ignores it'),
    })
    .strict()
    .superRefine(
      (e, ctx) => {
        // Runs even when other fields failed, so every problem is listed at once; hence the guards.
        const rows = (e as { durationMs?: unknown }).durationMs as number / ((e as { sampleIntervalMs?: unknown }).sampleIntervalMs as number);
        if (Number.isFinite(rows) && rows > 1_000_000) {
          ctx.addIssue({ code: 'custom', path: ['sampleIntervalMs'], message: `expected at most 1,000,000 samples (durationMs / sampleIntervalMs), got ${String(Math.round(rows))}` });
        }
        checkBounds(e as Record<string, unknown>, ctx);
        if ((e as { plan?: unknown }).plan !== undefined && (e as { sweep?: unknown }).sweep !== undefined) {
          ctx.addIssue({ code: 'custom', path: ['plan'], message: 'expected a plan or a sweep, not both (a plan runs its own variants)' });
        }
        const key = (e as { keyChart?: unknown }).keyChart;
        if (typeof key === 'string') {
          const names = chartFileNames(e as ChartNaming);
          if (!names.includes(key)) {
            ctx.addIssue({ code: 'custom', path: ['keyChart'], message: `expected a chart this experiment draws${names.length === 0 ? ' (it draws none: add charts: or sweep.compare)' : ` (${names.join(', ')})`}, got '${key}'` });
          }
        }
        const fleet = (e as { fleet?: { servers?: unknown; groups?: unknown } }).fleet;
        const groups = Array.isArray(fleet?.groups) ? (fleet.groups as { servers?: unknown; name?: unknown }[]) : [];
        const messages = (e as { messages?: { channels?: unknown; subscriptionsPerClient?: unknown } | null }).messages;
        if (typeof messages?.channels === 'number' && typeof messages.subscriptionsPerClient === 'number' && messages.subscriptionsPerClient > messages.channels) {
          ctx.addIssue({
            code: 'custom',
            path: ['messages', 'subscriptionsPerClient'],
            message: `expected at most one subscription per channel (channels: ${String(messages.channels)}), got ${String(messages.subscriptionsPerClient)}`,
          });
        }
        const farm = (e as { polling?: { farm?: unknown } | null }).polling?.farm;
        if (typeof farm === 'string' && !groups.some((g) => g.name === farm)) {
          const names = groups.map((g) => String(g.name)).join(', ');
          ctx.addIssue({
            code: 'custom',
            path: ['polling', 'farm'],
            message: `expected the name of a server group in fleet.groups${names === '' ? ' (there are none: use fleet.groups)' : ` (${names})`}, got '${farm}'`,
          });
        }
        const servers = groups.length > 0 ? groups.reduce((n, g) => n + (typeof g.servers === 'number' ? g.servers : 0), 0) : fleet?.servers;
        const faults = (e as { faults?: unknown }).faults;
        if (typeof servers !== 'number' || !Array.isArray(faults)) return;
        faults.forEach((f: unknown, k) => {
          const spec = f !== null && typeof f === 'object' ? Object.values(f as Record<string, unknown>)[0] : undefined;
          const server = (spec as { server?: unknown } | undefined)?.server;
          const kind = f !== null && typeof f === 'object' ? (Object.keys(f as Record<string, unknown>)[0] ?? 'crash') : 'crash';
          if (typeof server === 'number' && server >= servers) {
            ctx.addIssue({
              code: 'custom',
              path: ['faults', k, kind, 'server'],
              message: `expected a server index below the server count (${String(servers)}), got ${String(server)}`,
            });
          }
          const balancer = (spec as { balancer?: unknown } | undefined)?.balancer;
          const balancerCount = (e as { balancer?: { count?: unknown } }).balancer?.count ?? 1;
          if (kind === 'balancer-crash' && typeof balancer === 'number' && typeof balancerCount === 'number' && balancer >= balancerCount) {
            ctx.addIssue({
              code: 'custom',
              path: ['faults', k, kind, 'balancer'],
              message: `expected a balancer index below balancer.count (${String(balancerCount)}), got ${String(balancer)}`,
            });
          }
          if (kind === 'broker-crash') checkBrokerShard(e, ctx, ['faults', k, kind], spec);
          const group = (spec as { group?: unknown } | undefined)?.group;
          if (typeof group === 'string' && !groups.some((g) => g.name === group)) {
            const names = groups.map((g) => String(g.name)).join(', ');
            ctx.addIssue({
              code: 'custom',
              path: ['faults', k, kind, 'group'],
              message: `expected the name of a server group in fleet.groups${names === '' ? ' (there are none: use fleet.groups)' : ` (${names})`}, got '${group}'`,
            });
          }
        });
      },
      { when: () => true },
    );
}

/** A broker-crash needs a broker (messages) and a shard index below messages.broker.shards. */
function checkBrokerShard(e: unknown, ctx: z.core.$RefinementCtx, path: (string | number)[], spec: unknown): void {
  const messages = (e as { messages?: { broker?: { shards?: unknown } } | null }).messages;
  if (messages === null || messages === undefined) {
    ctx.addIssue({ code: 'custom', path, message: 'expected messages: a broker-crash needs a broker (messages is null)' });
    return;
  }
  const shard = (spec as { shard?: unknown } | undefined)?.shard;
  const shards = messages.broker?.shards ?? 1;
  if (typeof shard === 'number' && typeof shards === 'number' && shard >= shards) {
    ctx.addIssue({ code: 'custom', path: [...path, 'shard'], message: `expected a shard index below messages.broker.shards (${String(shards)}), got ${String(shard)}` });
  }
}

export type ExperimentSchema = ReturnType<typeof buildExperimentSchema>;
export type Experiment = z.output<ExperimentSchema>;

/** A profile file in models/<kind>/<name>.yaml. */
export const profileFileSchema = z
  .object({
    description: z.string().min(1),
    sources: z.array(z.string()).min(1).describe('where the numbers come from'),
    values: z.record(z.string(), z.unknown()),
  })
  .strict();

export const PROFILE_FIELDS: Record<ProfileKind, Record<string, z.ZodType>> = {
  servers: serverFields,
  networks: networkFields,
  clients: clientFields,
  balancers: balancerFields,
};
