import { describe, expect, it } from 'vitest';
import { formatIssues, parseExperiment, runExperiment } from '../../src/experiment/index.js';

/** 12,000 clients on four servers; at 60 s a gateway restart closes a share of the open connections at once. */
const yaml = (share: number, seed = 5): string => `
name: disconnect
question: what does a gateway restart that cuts a share of the sessions do?
seed: ${String(seed)}
durationMs: 150000
fleet: { servers: 4, server: { profile: node-ws-plain } }
clients:
  arrivals: { ramp: { clients: 12000, overMs: 20000 } }
  sessionMs: forever
  reconnect: { full-jitter: { baseMs: 10000, capMs: 30000 } }
faults:
  - disconnect: { share: ${String(share)}, atMs: 60500 }
`;

function run(share: number, seed?: number) {
  const loaded = parseExperiment(yaml(share, seed));
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  return runExperiment(loaded.experiment);
}

describe('the disconnect fault', () => {
  it('closes a binomial share of the open connections at once, and every client comes back', () => {
    const r = run(1 / 3);
    const event = r.events.find((e) => e.kind === 'fleet:disconnect');
    expect(event?.atMs).toBe(60_500);
    const cut = event !== undefined && 'connections' in event ? event.connections : -1;
    // Binomial(12,000, 1/3): mean 4,000, standard deviation 51.6; five of them either side.
    expect(Math.abs(cut - 4000)).toBeLessThan(5 * 51.6);
    expect(r.summary['connections.dropped']).toBe(cut);
    expect(r.summary['clients.connected.final']).toBe(12000);
    // Recovery is measured from the disconnect: a dip to about two thirds (first retries wait U[0, 10 s]), back within 30 s.
    expect(r.summary['recovery.minConnectedShare']).toBeGreaterThan(0.6);
    expect(r.summary['recovery.minConnectedShare']).toBeLessThan(0.72);
    expect(r.summary['recovery.ms99']).toBeGreaterThan(0);
    expect(r.summary['recovery.ms99']).toBeLessThan(30_000);
  });

  it('with share 1 closes every open connection', () => {
    const r = run(1);
    const event = r.events.find((e) => e.kind === 'fleet:disconnect');
    expect(event !== undefined && 'connections' in event ? event.connections : -1).toBe(12000);
    expect(r.summary['connections.dropped']).toBe(12000);
  });

  it('draws its victims from the faults stream: same seed, same victims; another seed, others', () => {
    const count = (seed: number): unknown => run(0.5, seed).events.find((e) => e.kind === 'fleet:disconnect');
    expect(count(9)).toEqual(count(9));
    expect(count(9)).not.toEqual(count(10));
  });

  it('without FIN: nobody notices until the heartbeat gives up, then every connection times out and comes back', () => {
    // 25 s / 20 s ping-pong: a connection whose pongs stop is given up 20 s after its next ping,
    // so between 20 s and 45 s after the cut; until then both ends believe it open.
    const text = yaml(1).replace('atMs: 60500 }', 'atMs: 60500, fin: false }') + 'heartbeat: { ping-pong: { intervalMs: 25000, timeoutMs: 20000 } }\n';
    const loaded = parseExperiment(text);
    if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
    const r = runExperiment(loaded.experiment);
    const { columns, rows } = r.timeseries;
    const connectedAt = (ms: number): number => (rows.find((row) => row[0] === ms) as number[])[columns.indexOf('clients.connected')] as number;
    expect(connectedAt(60_000)).toBe(12_000);
    expect(connectedAt(80_000)).toBe(12_000);
    expect(connectedAt(100_000)).toBeLessThan(12_000);
    expect(r.summary['heartbeat.timeouts']).toBe(12_000);
    expect(r.summary['connections.dropped']).toBe(12_000);
    expect(r.summary['clients.connected.final']).toBe(12_000);
  });

  it('is refused with a located message when the share is not in (0, 1]', () => {
    const loaded = parseExperiment(yaml(0));
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(formatIssues(loaded.issues)).toMatch(/faults\[0\]\.disconnect\.share: expected a number > 0/);
  });
});

describe('the disconnect fault on part of the fleet', () => {
  const scoped = (scope: string): string => yaml(1).replace('  - disconnect: { share: 1, atMs: 60500 }', `  - disconnect: { share: 1, atMs: 60500, ${scope} }`);

  it('on one server closes only that server’s connections', () => {
    const loaded = parseExperiment(scoped('server: 2'));
    if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
    const r = runExperiment(loaded.experiment);
    const event = r.events.find((e) => e.kind === 'fleet:disconnect');
    const cut = event !== undefined && 'connections' in event ? event.connections : -1;
    // Four servers share 12,000 clients evenly under round robin.
    expect(cut).toBe(3000);
    expect(r.summary['connections.dropped']).toBe(3000);
  });

  it('refuses a group that is not in fleet.groups, and server and group together', () => {
    for (const [scope, message] of [
      ["group: 'edge'", /faults\[0\]\.disconnect\.group: expected the name of a server group in fleet\.groups \(there are none/],
      ["server: 1, group: 'edge'", /expected server or group, not both/],
    ] as const) {
      const loaded = parseExperiment(scoped(scope));
      expect(loaded.ok).toBe(false);
      if (!loaded.ok) expect(formatIssues(loaded.issues)).toMatch(message);
    }
  });
});
