import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment, runRealExperiment, toRealConfig } from '../../src/experiment/index.js';
import type { Decision } from '../../src/metrics/index.js';
import { chartNames } from '../../src/report/fleet-charts.js';
import { STACK_LINE, wsfleet } from '../cli/cli.js';
import { childrenOf, experimentFile, lastValue, smallExperiment, sumAfter } from './helpers.js';

/** socket.io-client's Manager options, as the experiment's socket-io preset names them. */
const PRESET = { reconnectionDelayMs: 200, reconnectionDelayMaxMs: 800, randomizationFactor: 0.5 };

/** A small fleet of Socket.IO servers and socket.io-client sockets; fields in `extra` replace the defaults. */
function socketIoExperiment(extra: Record<string, unknown>): Record<string, unknown> {
  return smallExperiment({
    durationMs: 5000,
    fleet: { servers: 2, server: { profile: 'node-socketio' }, network: { profile: 'loopback' } },
    // http: a stopped (SIGSTOP) process answers no request, so the proxy marks it down.
    balancer: { strategy: 'round-robin', healthCheck: { mode: 'http', intervalMs: 300, timeoutMs: 200, fall: 2, rise: 2 } },
    heartbeat: { 'ping-pong': { intervalMs: 25_000, timeoutMs: 20_000 } },
    clients: { arrivals: { ramp: { clients: 60, overMs: 500 } }, reconnect: { 'socket-io': PRESET } },
    ...extra,
  });
}

/** Runs on the socket-io stack; afterwards no process this test started is left. */
async function runSocketIo(data: Record<string, unknown>) {
  const { file, cleanup } = experimentFile(data);
  try {
    const loaded = loadExperiment(file, { chartNames: chartNames() });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const mapped = toRealConfig(loaded.experiment, file, { stack: 'socket-io' });
    if (!mapped.ok) throw new Error(JSON.stringify(mapped.issues));
    const before = new Set(childrenOf(process.pid).map((c) => c.pid));
    const result = await runRealExperiment(mapped.config);
    return { result, leftover: childrenOf(process.pid).filter((c) => !before.has(c.pid) && c.state !== 'Z') };
  } finally {
    cleanup();
  }
}

/** The swarm's backoff decisions: each is the Manager's wait, measured (socket.io-client never gives up here). */
const backoffsOf = (decisions: readonly Decision[]): { atMs: number; retry: number; delayMs: number }[] =>
  decisions.flatMap((d) => (d.kind === 'backoff' ? [{ atMs: d.atMs, retry: d.retry, delayMs: d.delayMs ?? NaN }] : []));

describe('the socket-io stack: Socket.IO servers and socket.io-client sockets behind the bundled proxy', () => {
  it('every client connects through the proxy; a SIGKILL sends the dead server’s clients to the other by the client’s own reconnection, within the preset’s delays', async () => {
    const crashAtMs = 1500;
    const { result, leftover } = await runSocketIo(socketIoExperiment({ faults: [{ crash: { server: 0, atMs: crashAtMs } }] }));
    const s = result.summary;
    expect(leftover).toEqual([]);
    expect(s['clients.connected.final']).toBe(60);
    expect(lastValue(result, 'server.0.up')).toBe(0);
    expect(lastValue(result, 'server.1.connections')).toBe(60);
    // Each attempt went through the proxy (one pick each), and each success is a Socket.IO connection a server counted.
    expect(result.picks.length).toBe(s['connect.attempts']);
    const handshakes = sumAfter(result, 'server.0.handshakes', 0) + sumAfter(result, 'server.1.handshakes', 0);
    expect(handshakes).toBe(s['connect.succeeded']);
    // Round-robin put half on server 0; each of them lost its connection and came back.
    expect(s['connections.dropped']).toBe(30);
    expect(s['connect.succeeded']).toBe(90);
    // Their Manager's delays, measured from the loss (or failed attempt) to the next attempt: never below the
    // preset's nominal delay × (1 − factor), and at most its cap plus a loaded machine's timer lateness.
    const delays = backoffsOf(result.decisions);
    expect(delays.length).toBe((s['connect.attempts'] ?? NaN) - 60);
    for (const d of delays) {
      const nominal = Math.min(PRESET.reconnectionDelayMs * 2 ** (d.retry - 1), 10 * PRESET.reconnectionDelayMaxMs);
      expect(d.atMs).toBeGreaterThanOrEqual(crashAtMs - 50);
      expect(d.delayMs).toBeGreaterThanOrEqual(Math.min(nominal * (1 - PRESET.randomizationFactor), PRESET.reconnectionDelayMaxMs) - 2);
      expect(d.delayMs).toBeLessThanOrEqual(Math.min(nominal * (1 + PRESET.randomizationFactor), PRESET.reconnectionDelayMaxMs) + 500);
    }
    // The first retries are spread over 100–300 ms by the one draw, not all alike.
    const first = delays.filter((d) => d.retry === 1).map((d) => d.delayMs);
    expect(first.length).toBe(30);
    expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(50);
    expect(s['recovery.ms99']).toBeGreaterThan(0);
    expect(s['recovery.ms99']).toBeLessThan(3000);
  }, 60_000);

  it('a SIGSTOPped server: its clients give up on it by Engine.IO’s heartbeat, pingTimeout to pingInterval + pingTimeout after the stop', async () => {
    const hangAtMs = 1500;
    const intervalMs = 600;
    const timeoutMs = 400;
    const { result, leftover } = await runSocketIo(
      socketIoExperiment({
        durationMs: 4500,
        heartbeat: { 'ping-pong': { intervalMs, timeoutMs } },
        faults: [{ hang: { server: 0, atMs: hangAtMs, durationMs: 2500 } }],
      }),
    );
    const s = result.summary;
    expect(leftover).toEqual([]);
    // Half the clients were on the stopped server; each closed with 'ping timeout' and reconnected to the other.
    expect(s['heartbeat.clientTimeouts']).toBe(30);
    expect(s['connections.dropped']).toBe(30);
    expect(s['clients.connected.final']).toBe(60);
    expect(s['heartbeat.pings']).toBeGreaterThan(0);
    // The client's timer restarts at each ping at pingInterval + pingTimeout; the last ping came within one
    // interval before the stop.
    const lost = backoffsOf(result.decisions).filter((d) => d.retry === 1);
    expect(lost.length).toBe(30);
    for (const d of lost) {
      expect(d.atMs - hangAtMs).toBeGreaterThanOrEqual(timeoutMs - 50);
      expect(d.atMs - hangAtMs).toBeLessThanOrEqual(intervalMs + timeoutMs + 600);
    }
  }, 60_000);
});

describe('the socket-io stack refuses what socket.io-client and Socket.IO cannot run, with exit 2 and its paths', () => {
  it('another backoff, another heartbeat, pub/sub and flaps', () => {
    const { file, cleanup } = experimentFile(
      socketIoExperiment({
        heartbeat: 'none',
        clients: { arrivals: { ramp: { clients: 10, overMs: 500 } }, reconnect: { 'full-jitter': { baseMs: 100, capMs: 1000 } }, flapsPerHour: 60 },
        messages: { channels: 2, backendPerSec: 5 },
      }),
    );
    try {
      const out = join(file, '..', 'out');
      const r = wsfleet(['real', file, '--stack', 'socket-io', '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/clients\.reconnect: expected socket-io on the socket-io stack .*got full-jitter/);
      expect(r.stderr).toMatch(/heartbeat: expected ping-pong on the socket-io stack .*got none/);
      expect(r.stderr).toMatch(/messages: expected null on the socket-io stack/);
      expect(r.stderr).toMatch(/clients\.flapsPerHour: expected 0 on the socket-io stack/);
      expect(r.stderr).toMatch(/Nothing was run or written\./);
      expect(r.stderr).not.toMatch(STACK_LINE);
      expect(existsSync(out)).toBe(false);
      // The bundled ws fleet runs the same file.
      const loaded = loadExperiment(file, { chartNames: chartNames() });
      if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
      expect(toRealConfig(loaded.experiment, file, { stack: 'ws' }).ok).toBe(true);
    } finally {
      cleanup();
    }
  });

  it('a file whose validate.stack is socket-io is refused the same way by wsfleet real; an unknown --stack, or --stack with validate --all, is an input error', () => {
    const { file, cleanup } = experimentFile(socketIoExperiment({ heartbeat: { 'ws-interval': { intervalMs: 1000 } }, validate: { stack: 'socket-io', metrics: ['recovery.ms95'] } }));
    try {
      const r = wsfleet(['real', file]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/heartbeat: expected ping-pong on the socket-io stack .*got ws-interval/);
      expect(r.stderr).not.toMatch(STACK_LINE);
      const bad = wsfleet(['real', file, '--stack', 'sockjs']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/--stack.*expected ws or socket-io, got 'sockjs'/);
      expect(bad.stderr).not.toMatch(STACK_LINE);
      // validate --all runs each file on the stack it names.
      const all = wsfleet(['validate', '--all', '--stack', 'ws']);
      expect(all.status).toBe(2);
      expect(all.stderr).toMatch(/--stack ws: expected no --stack with --all \(each file names its stack in validate\.stack\)/);
    } finally {
      cleanup();
    }
  });
});
