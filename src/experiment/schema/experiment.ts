import { z } from 'zod';
import { backoffs, balancers, heartbeats } from '../../strategies/index.js';
import { durationMs } from './distribution.js';
import { oneOf } from './one-of.js';
import { strategyChoice } from './strategy.js';

/** Names of the profiles in models/, by kind; they become enums in the JSON Schema. */
export interface ProfileNames {
  servers: string[];
  networks: string[];
  clients: string[];
}

export const PROFILE_KINDS = ['servers', 'networks', 'clients'] as const;
export type ProfileKind = (typeof PROFILE_KINDS)[number];

/** Where in an experiment each kind of profile is referenced, and the profile used when none is named. */
export const PROFILE_SLOTS: readonly { kind: ProfileKind; path: readonly string[]; fallback: string }[] = [
  { kind: 'servers', path: ['fleet', 'server'], fallback: 'node-ws-plain' },
  { kind: 'networks', path: ['fleet', 'network'], fallback: 'broadband' },
  { kind: 'clients', path: ['clients'], fallback: 'browser' },
];

const nonNegativeMs = z.number().min(0);
const positiveMs = z.number().positive();

function profileRef(names: string[]) {
  const description = 'a profile from models/; keys next to it override its values';
  return (names.length > 0 ? z.enum(names as [string, ...string[]]) : z.string()).optional().describe(description);
}

/** Server fields; a server profile supplies any subset of them. */
export const serverFields = {
  cores: z.number().int().min(1).max(256).describe('cores sharing one run queue; a Node process has 1'),
  maxConnections: z.number().int().min(1).describe('connections (established plus in handshake) before new ones get 503'),
  weight: z.number().positive().default(1).describe('relative capacity for weighted balancing'),
  handshakeCostMs: durationMs.describe('CPU per WebSocket handshake (HTTP upgrade, plus TLS when used)'),
  pingCostMs: durationMs.describe('CPU to send one ping'),
  pongCostMs: durationMs.describe('CPU to read one pong'),
};

export const networkFields = {
  clientLatencyMs: durationMs.describe('one-way latency client ↔ balancer, drawn once per client'),
  backendLatencyMs: durationMs.describe('one-way latency balancer ↔ server, drawn per connection'),
};

export const clientFields = {
  connectTimeoutMs: positiveMs.describe('an attempt without an answer by then fails'),
  reconnect: strategyChoice(backoffs, 'reconnect backoff'),
  sessionMs: z.union([z.literal('forever'), durationMs]).describe('time a client stays once connected'),
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
  })
  .strict();

/** The whole experiment file; built per profile catalogue so editors can complete profile names. */
/** Section fields; for editors every field is optional, because a profile may supply it. */
function section<T extends Record<string, z.ZodType>>(fields: T, forEditor: boolean): T {
  if (!forEditor) return fields;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])) as unknown as T;
}

export function buildExperimentSchema(profiles: ProfileNames, chartNames: readonly string[], forEditor = false) {
  const chart = chartNames.length > 0 ? z.enum(chartNames as [string, ...string[]]) : z.string();
  return z
    .object({
      $schema: z.string().optional(),
      wsfleetVersion: z.string().optional().describe('written into resolved experiments'),
      name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lowercase letters, digits and dashes'),
      question: z.string().min(1).describe('the one question this experiment answers'),
      lookAt: z.string().optional().describe('what to look at in the results'),
      seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
      durationMs: positiveMs,
      sampleIntervalMs: positiveMs.default(1000),
      fleet: z
        .object({
          servers: z.number().int().min(1).max(100_000),
          server: z.object({ profile: profileRef(profiles.servers), ...section(serverFields, forEditor) }).strict(),
          network: z.object({ profile: profileRef(profiles.networks), ...section(networkFields, forEditor) }).strict(),
        })
        .strict(),
      balancer: z
        .object({
          strategy: strategyChoice(balancers, 'balancing algorithm').default('round-robin'),
          healthCheck: z
            .object({
              intervalMs: positiveMs.default(2000),
              fall: z.number().int().min(1).default(3),
              rise: z.number().int().min(1).default(2),
            })
            .strict()
            .prefault({})
            .describe('HAProxy defaults: inter 2000 ms, fall 3, rise 2'),
        })
        .strict()
        .prefault({}),
      heartbeat: strategyChoice(heartbeats, 'heartbeat').default('ping-pong'),
      clients: z.object({ profile: profileRef(profiles.clients), ...section(clientFields, forEditor) }).strict(),
      faults: z.array(oneOf({ crash }, 'a scheduled fault')).default([]),
      charts: z.array(chart).default([]).describe('charts to draw, by name (wsfleet list charts)'),
    })
    .strict()
    .superRefine(
      (e, ctx) => {
        // Runs even when other fields failed, so every problem is listed at once; hence the guards.
        const servers = (e as { fleet?: { servers?: unknown } }).fleet?.servers;
        const faults = (e as { faults?: unknown }).faults;
        if (typeof servers !== 'number' || !Array.isArray(faults)) return;
        faults.forEach((f: unknown, k) => {
          const server = (f as { crash?: { server?: unknown } } | null)?.crash?.server;
          if (typeof server === 'number' && server >= servers) {
            ctx.addIssue({
              code: 'custom',
              path: ['faults', k, 'crash', 'server'],
              message: `expected a server index below fleet.servers (${String(servers)}), got ${String(server)}`,
            });
          }
        });
      },
      { when: () => true },
    );
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
};
