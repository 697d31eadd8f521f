/**
 * Run events with typed fields. The detail text of events.csv is rendered from the fields by one
 * function per kind, and read back by its inverse only where events come from text (events.csv,
 * run records, or a sim call site that still logs a kind and a detail).
 */
/** Something that happened during a run as events.csv holds it; `TypedRunEvent` adds its kind's fields. */
export interface RunEvent {
  atMs: number;
  kind: string;
  detail: string;
}

/** Events about one server: faults, restarts, joins and drains. */
export const SERVER_EVENT_KINDS = [
  'server:crash',
  'server:oom',
  'server:hang',
  'server:resume',
  'server:stop',
  'server:restart',
  'server:join',
  'server:drain',
  'autoscaler:drain',
] as const;
export type ServerEventKind = (typeof SERVER_EVENT_KINDS)[number];

/** The typed fields of each event kind. */
export type EventFields = { [K in ServerEventKind]: { server: number } } & {
  'server:shed': { server: number; count: number };
  'balancer:mark-up': { server: number; balancer: number };
  'balancer:mark-down': { server: number; balancer: number };
  'balancer:crash': { balancer: number; connections: number };
  'balancer:restart': { balancer: number };
  /** A broker shard died (−1: every shard); `queued` messages in its run queue were lost with it. */
  'broker:crash': { shard: number; queued: number };
  /** The shard is back (−1: every shard), its channel history kept or lost. */
  'broker:restart': { shard: number; history: 'kept' | 'lost' };
  'fleet:partition': { clients: number; durationMs: number };
  'fleet:disconnect': { connections: number };
  'fleet:flash-crowd': { clients: number };
  'fleet:slowdown': { factor: number };
  /** The factor handshakes are back to: 1. */
  'fleet:slowdown-end': { factor: number };
  'autoscaler:scale-out': { servers: number };
  'autoscaler:scale-in': { servers: number };
  'alert:fired': { rule: string; target: string };
  'alert:resolved': { rule: string; target: string };
};
export type RunEventKind = keyof EventFields;

/** A run event with its kind's fields; `detail` is rendered from them. */
export type TypedRunEvent = { [K in RunEventKind]: { atMs: number; kind: K; detail: string } & EventFields[K] }[RunEventKind];
export type EventOf<K extends RunEventKind> = Extract<TypedRunEvent, { kind: K }>;

interface Format<F> {
  fields: readonly (keyof F & string)[];
  render: (f: F) => string;
  parse: (detail: string) => F | undefined;
}

const int = (s: string | undefined): number => Number(s);

const serverFormat: Format<{ server: number }> = {
  fields: ['server'],
  render: (f) => `server ${String(f.server)}`,
  parse: (d) => {
    const m = /^server (\d+)$/.exec(d);
    return m ? { server: int(m[1]) } : undefined;
  },
};

const markFormat: Format<{ server: number; balancer: number }> = {
  fields: ['server', 'balancer'],
  render: (f) => `server ${String(f.server)} (balancer ${String(f.balancer)})`,
  parse: (d) => {
    const m = /^server (\d+) \(balancer (\d+)\)$/.exec(d);
    return m ? { server: int(m[1]), balancer: int(m[2]) } : undefined;
  },
};

/** `shard 2` or `every shard` (−1). */
export const shardText = (shard: number): string => (shard < 0 ? 'every shard' : `shard ${String(shard)}`);
const shardOf = (text: string | undefined): number => (text === undefined ? -1 : int(text));

const scaleFormat: Format<{ servers: number }> = {
  fields: ['servers'],
  render: (f) => `${String(f.servers)} server(s)`,
  parse: (d) => {
    const m = /^(\d+) server\(s\)$/.exec(d);
    return m ? { servers: int(m[1]) } : undefined;
  },
};

const slowdownFormat: Format<{ factor: number }> = {
  fields: ['factor'],
  render: (f) => `handshakes × ${String(f.factor)}`,
  parse: (d) => {
    const m = /^handshakes × ([\d.e+-]+)$/.exec(d);
    return m ? { factor: Number(m[1]) } : undefined;
  },
};

const alertFormat: Format<{ rule: string; target: string }> = {
  fields: ['rule', 'target'],
  render: (f) => `${f.rule} (${f.target})`,
  parse: (d) => {
    const m = /^([^ ]+) \((.+)\)$/.exec(d);
    return m ? { rule: m[1] as string, target: m[2] as string } : undefined;
  },
};

/** Every kind's renderer and its inverse: a kind without one is a type error. */
const FORMATS: { [K in RunEventKind]: Format<EventFields[K]> } = {
  ...(Object.fromEntries(SERVER_EVENT_KINDS.map((k) => [k, serverFormat])) as { [K in ServerEventKind]: Format<{ server: number }> }),
  'server:shed': {
    fields: ['server', 'count'],
    render: (f) => `server ${String(f.server)}: ${String(f.count)}`,
    parse: (d) => {
      const m = /^server (\d+): (\d+)$/.exec(d);
      return m ? { server: int(m[1]), count: int(m[2]) } : undefined;
    },
  },
  'balancer:mark-up': markFormat,
  'balancer:mark-down': markFormat,
  'balancer:crash': {
    fields: ['balancer', 'connections'],
    render: (f) => `balancer ${String(f.balancer)}: ${String(f.connections)} connections`,
    parse: (d) => {
      const m = /^balancer (\d+): (\d+) connections$/.exec(d);
      return m ? { balancer: int(m[1]), connections: int(m[2]) } : undefined;
    },
  },
  'balancer:restart': {
    fields: ['balancer'],
    render: (f) => `balancer ${String(f.balancer)}`,
    parse: (d) => {
      const m = /^balancer (\d+)$/.exec(d);
      return m ? { balancer: int(m[1]) } : undefined;
    },
  },
  'broker:crash': {
    fields: ['shard', 'queued'],
    render: (f) => `${shardText(f.shard)}: ${String(f.queued)} queued messages lost`,
    parse: (d) => {
      const m = /^(?:shard (\d+)|every shard): (\d+) queued messages lost$/.exec(d);
      return m ? { shard: shardOf(m[1]), queued: int(m[2]) } : undefined;
    },
  },
  'broker:restart': {
    fields: ['shard', 'history'],
    render: (f) => `${shardText(f.shard)}, history ${f.history}`,
    parse: (d) => {
      const m = /^(?:shard (\d+)|every shard), history (kept|lost)$/.exec(d);
      return m ? { shard: shardOf(m[1]), history: m[2] as 'kept' | 'lost' } : undefined;
    },
  },
  'fleet:partition': {
    fields: ['clients', 'durationMs'],
    render: (f) => `${String(f.clients)} clients for ${String(f.durationMs)} ms`,
    parse: (d) => {
      const m = /^(\d+) clients for ([\d.e+-]+) ms$/.exec(d);
      return m ? { clients: int(m[1]), durationMs: Number(m[2]) } : undefined;
    },
  },
  'fleet:disconnect': {
    fields: ['connections'],
    render: (f) => `${String(f.connections)} connections`,
    parse: (d) => {
      const m = /^(\d+) connections$/.exec(d);
      return m ? { connections: int(m[1]) } : undefined;
    },
  },
  'fleet:flash-crowd': {
    fields: ['clients'],
    render: (f) => `${String(f.clients)} clients`,
    parse: (d) => {
      const m = /^(\d+) clients$/.exec(d);
      return m ? { clients: int(m[1]) } : undefined;
    },
  },
  'fleet:slowdown': slowdownFormat,
  'fleet:slowdown-end': slowdownFormat,
  'autoscaler:scale-out': scaleFormat,
  'autoscaler:scale-in': scaleFormat,
  'alert:fired': alertFormat,
  'alert:resolved': alertFormat,
};

const isKind = (kind: string): kind is RunEventKind => Object.prototype.hasOwnProperty.call(FORMATS, kind);

/** The detail text of events.csv for a kind and its fields: the only place it is written. */
export function eventDetail<K extends RunEventKind>(kind: K, fields: EventFields[K]): string {
  return (FORMATS[kind] as Format<EventFields[K]>).render(fields);
}

/** A typed event: its fields and their rendered detail. */
export function makeEvent<K extends RunEventKind>(kind: K, atMs: number, fields: EventFields[K]): EventOf<K> {
  return { atMs, kind, detail: eventDetail(kind, fields), ...fields } as unknown as EventOf<K>;
}

/** Constructors by kind, for call sites. */
export const runEvent = {
  server: (kind: ServerEventKind, atMs: number, server: number) => makeEvent(kind, atMs, { server }),
  serverCrash: (atMs: number, server: number) => makeEvent('server:crash', atMs, { server }),
  serverShed: (atMs: number, server: number, count: number) => makeEvent('server:shed', atMs, { server, count }),
  balancerMark: (atMs: number, healthy: boolean, server: number, balancer: number) => makeEvent(healthy ? 'balancer:mark-up' : 'balancer:mark-down', atMs, { server, balancer }),
  partition: (atMs: number, clients: number, durationMs: number) => makeEvent('fleet:partition', atMs, { clients, durationMs }),
  disconnect: (atMs: number, connections: number) => makeEvent('fleet:disconnect', atMs, { connections }),
  balancerCrash: (atMs: number, balancer: number, connections: number) => makeEvent('balancer:crash', atMs, { balancer, connections }),
  balancerRestart: (atMs: number, balancer: number) => makeEvent('balancer:restart', atMs, { balancer }),
  brokerCrash: (atMs: number, shard: number, queued: number) => makeEvent('broker:crash', atMs, { shard, queued }),
  brokerRestart: (atMs: number, shard: number, history: 'kept' | 'lost') => makeEvent('broker:restart', atMs, { shard, history }),
  flashCrowd: (atMs: number, clients: number) => makeEvent('fleet:flash-crowd', atMs, { clients }),
  slowdown: (atMs: number, factor: number) => makeEvent('fleet:slowdown', atMs, { factor }),
  slowdownEnd: (atMs: number) => makeEvent('fleet:slowdown-end', atMs, { factor: 1 }),
  scale: (kind: 'autoscaler:scale-out' | 'autoscaler:scale-in', atMs: number, servers: number) => makeEvent(kind, atMs, { servers }),
  alert: (kind: 'alert:fired' | 'alert:resolved', atMs: number, rule: string, target: string) => makeEvent(kind, atMs, { rule, target }),
};

/** An event read from text (events.csv, a run record); undefined for an unknown kind or a detail its kind does not render. */
export function parseRunEvent(atMs: number, kind: string, detail: string): TypedRunEvent | undefined {
  if (!isKind(kind)) return undefined;
  const fields = (FORMATS[kind] as Format<object>).parse(detail);
  return fields === undefined ? undefined : (makeEvent(kind, atMs, fields as never) as TypedRunEvent);
}

/**
 * The typed form of an event: itself when it was built with its fields, else read from its detail.
 * Throws a TypeError naming the event when it is neither.
 */
export function typedEvent(e: RunEvent): TypedRunEvent {
  if (isKind(e.kind) && FORMATS[e.kind].fields.every((f) => f in e)) return e as TypedRunEvent;
  const parsed = parseRunEvent(e.atMs, e.kind, e.detail);
  if (parsed === undefined) throw new TypeError(`Expected a known run event kind with its detail, got '${e.kind}' '${e.detail}'`);
  return parsed;
}

/** The event as events.csv and run records hold it: time, kind and detail only. */
export function plainEvent(e: RunEvent): RunEvent {
  return { atMs: e.atMs, kind: e.kind, detail: e.detail };
}

/** True for events about one server (faults, restarts, joins, drains and sheds), which charts mark. */
export function isServerEvent(e: TypedRunEvent): e is EventOf<ServerEventKind | 'server:shed'> {
  return e.kind.startsWith('server:');
}
