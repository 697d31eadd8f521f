import { describe, expect, it } from 'vitest';
import { formatIssues, parseExperiment, runExperiment } from '../../src/experiment/index.js';

/**
 * 3,000 clients on three plain servers (1,000 each by least-connections), 25 s / 20 s ping-pong; at
 * 30 s server 0 stops (SIGSTOP) for `hangMs`.
 */
const yaml = (hangMs: number, healthCheck = 'tcp'): string => `
name: hang
question: what does a stopped process do while it is stopped?
seed: 4
durationMs: 150000
fleet: { servers: 3, server: { profile: node-ws-plain } }
balancer: { strategy: least-connections, healthCheck: { mode: ${healthCheck} } }
clients:
  arrivals: { ramp: { clients: 3000, overMs: 5000 } }
  sessionMs: forever
  reconnect: { full-jitter: { baseMs: 1000, capMs: 10000 } }
heartbeat: { ping-pong: { intervalMs: 25000, timeoutMs: 20000 } }
faults:
  - hang: { server: 0, atMs: 30000, durationMs: ${String(hangMs)} }
`;

function run(hangMs: number, healthCheck?: string) {
  const loaded = parseExperiment(yaml(hangMs, healthCheck));
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  return runExperiment(loaded.experiment);
}

function column(r: ReturnType<typeof run>, name: string): (atMs: number) => number {
  const { columns, rows } = r.timeseries;
  const k = columns.indexOf(name);
  return (atMs) => (rows.find((row) => row[0] === atMs) as number[])[k] as number;
}

describe('a hung (stopped) process', () => {
  it('runs no timer and closes nothing while stopped; its clients give up by their own watchdog', () => {
    const r = run(60_000);
    const timeouts = column(r, 'heartbeat.timeouts');
    const connected = column(r, 'clients.connected');
    // No heartbeat timeout fires anywhere while server 0 is stopped (30–90 s).
    for (let t = 31_000; t < 90_000; t += 1000) expect(timeouts(t), `heartbeat timeouts in the second to ${String(t)} ms`).toBe(0);
    // A client's last ping came within the 25 s before the stop, so its watchdog (25 + 20 s of
    // silence) fires between 50 s and 75 s: all 1,000 of server 0's clients, and no one else's.
    expect(connected(50_000)).toBe(3000);
    expect(r.summary['heartbeat.clientTimeouts']).toBe(1000);
    expect(r.summary['connections.dropped']).toBe(1000);
    // With HTTP checks the stopped server is marked down, so the retries go to the two others.
    const http = run(60_000, 'http');
    expect(http.summary['heartbeat.clientTimeouts']).toBe(1000);
    expect(http.summary['clients.connected.final']).toBe(3000);
  });

  it('works through what fell due when it resumes: a short stop closes nothing', () => {
    // 10 s is shorter than any watchdog (45 s of silence) and any pong timeout (20 s after a ping):
    // the pings that fell due go out at resume and every connection lives on.
    const r = run(10_000);
    expect(r.summary['heartbeat.clientTimeouts']).toBe(0);
    expect(r.summary['heartbeat.timeouts']).toBe(0);
    expect(r.summary['connections.dropped']).toBe(0);
    expect(r.summary['clients.connected.final']).toBe(3000);
  });
});
