import { describe, expect, it } from 'vitest';
import { decodeRunRecord, encodeRunRecord, makeEvent, parseRunEvent, runEvent, typedEvent, type EventFields, type RunEventKind } from '../../src/metrics/index.js';

/** One example of every kind's fields: a kind missing here is a type error. */
const EXAMPLES: { [K in RunEventKind]: EventFields[K] } = {
  'server:crash': { server: 3 },
  'server:oom': { server: 0 },
  'server:hang': { server: 12 },
  'server:resume': { server: 12 },
  'server:stop': { server: 1 },
  'server:restart': { server: 1 },
  'server:join': { server: 7 },
  'server:drain': { server: 2 },
  'autoscaler:drain': { server: 9 },
  'server:shed': { server: 4, count: 250 },
  'balancer:mark-up': { server: 1, balancer: 0 },
  'balancer:mark-down': { server: 10, balancer: 2 },
  'balancer:crash': { balancer: 1, connections: 25_000 },
  'balancer:restart': { balancer: 1 },
  'broker:crash': { shard: 2, queued: 3 },
  'broker:restart': { shard: -1, history: 'lost' },
  'fleet:partition': { clients: 1234, durationMs: 30_000 },
  'fleet:disconnect': { connections: 16_667 },
  'fleet:flash-crowd': { clients: 5000 },
  'fleet:slowdown': { factor: 2.5 },
  'fleet:slowdown-end': { factor: 1 },
  'autoscaler:scale-out': { servers: 2 },
  'autoscaler:scale-in': { servers: 1 },
  'alert:fired': { rule: 'server-down', target: 'server 3' },
  'alert:resolved': { rule: 'cpu-saturated', target: 'fleet' },
};

describe('typed run events', () => {
  it.each(Object.entries(EXAMPLES))('%s: the detail read back gives the same fields', (kind, fields) => {
    const event = makeEvent(kind as RunEventKind, 1500, fields as never);
    expect(event).toMatchObject(fields);
    expect(parseRunEvent(event.atMs, event.kind, event.detail)).toEqual(event);
  });

  it('renders the detail text events.csv has always had', () => {
    expect(runEvent.serverCrash(0, 3).detail).toBe('server 3');
    expect(runEvent.serverShed(0, 3, 40).detail).toBe('server 3: 40');
    expect(runEvent.balancerMark(0, false, 1, 0)).toMatchObject({ kind: 'balancer:mark-down', detail: 'server 1 (balancer 0)' });
    expect(runEvent.partition(0, 120, 20_000).detail).toBe('120 clients for 20000 ms');
    expect(runEvent.slowdown(0, 3).detail).toBe('handshakes × 3');
    expect(runEvent.brokerCrash(0, -1, 0).detail).toBe('every shard: 0 queued messages lost');
    expect(runEvent.brokerRestart(0, 1, 'kept').detail).toBe('shard 1, history kept');
    expect(runEvent.scale('autoscaler:scale-out', 0, 2).detail).toBe('2 server(s)');
    expect(runEvent.alert('alert:fired', 0, 'queue', 'server 2').detail).toBe('queue (server 2)');
  });

  it('reads the fields of an event logged as kind and detail, and passes typed ones through', () => {
    expect(typedEvent({ atMs: 5, kind: 'server:shed', detail: 'server 2: 17' })).toEqual({ atMs: 5, kind: 'server:shed', detail: 'server 2: 17', server: 2, count: 17 });
    const typed = runEvent.serverCrash(9, 1);
    expect(typedEvent(typed)).toBe(typed);
  });

  it('refuses an unknown kind or a detail its kind does not render', () => {
    expect(parseRunEvent(0, 'server:explode', 'server 1')).toBeUndefined();
    expect(parseRunEvent(0, 'server:crash', 'the server')).toBeUndefined();
    expect(() => typedEvent({ atMs: 0, kind: 'server:crash', detail: 'server x' })).toThrow(/'server:crash' 'server x'/);
  });

  it('run records hold time, kind and detail only, and read the fields back', () => {
    const record = { variant: 0, label: 'a', replication: 0, seed: 1, summary: {}, events: [runEvent.serverShed(100, 2, 5)] };
    const text = encodeRunRecord(record);
    expect(text).toBe('{"variant":0,"label":"a","replication":0,"seed":1,"summary":{},"events":[{"atMs":100,"kind":"server:shed","detail":"server 2: 5"}]}\n');
    expect(decodeRunRecord(text).events).toEqual(record.events);
  });
});
