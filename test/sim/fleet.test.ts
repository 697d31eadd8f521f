import { describe, expect, it } from 'vitest';
import { runSimulation, type SimConfig } from '../../src/sim/index.js';
import { baseConfig, servers } from './config.js';

const crashes = (config: SimConfig) => runSimulation(config).events.filter((e) => e.kind === 'server:crash');

describe('the fleet model', () => {
  it('draws random fault targets from their own stream: adding clients does not move the fault schedule', () => {
    const faults: SimConfig['faults'] = [
      { kind: 'crash', server: 'random', atMs: 5000, restartAfterMs: 1000 },
      { kind: 'crash', server: 'random', atMs: 9000, restartAfterMs: 1000 },
      { kind: 'crash', server: 'random', atMs: 13000, restartAfterMs: 1000 },
    ];
    const fleet = (ratePerSec: number) =>
      baseConfig({
        durationMs: 20_000,
        servers: servers(16),
        clients: { arrivals: { kind: 'poisson', ratePerSec, startMs: 0, stopMs: Infinity }, sessionMs: null, connectTimeoutMs: 5000, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 } },
        faults,
      });
    const few = crashes(fleet(50));
    const many = crashes(fleet(500));
    expect(few).toHaveLength(3);
    expect(many).toEqual(few);
    // The targets really are drawn: over three crashes of 16 servers, not all the same one.
    expect(new Set(few.map((e) => e.detail)).size).toBeGreaterThan(1);
  });

  it('brings every client of a crashed server back on the others, and they stay there after the restart', () => {
    const result = runSimulation(
      baseConfig({
        durationMs: 60_000,
        servers: servers(4),
        clients: { arrivals: { kind: 'ramp', clients: 4000, startMs: 0, overMs: 10_000 }, sessionMs: null, connectTimeoutMs: 5000, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 } },
        reconnect: { name: 'full-jitter', options: { baseMs: 500, capMs: 5000, maxAttempts: 0 } },
        faults: [{ kind: 'crash', server: 2, atMs: 20_000, restartAfterMs: 10_000 }],
      }),
    );
    const s = result.summary;
    expect(s['clients.connected.final']).toBe(4000);
    expect(s['connections.dropped']).toBe(1000);
    // Round-robin keeps routing to the dead server until three failed checks mark it down.
    expect(s['connect.failed']).toBeGreaterThan(0);
    const col = (name: string) => result.timeseries.columns.indexOf(name);
    const last = result.timeseries.rows.at(-1) ?? [];
    expect(last[col('server.2.up')]).toBe(1);
    // Long-lived connections do not move back to the restarted server by themselves: it gets only
    // the few clients still retrying when it came back, a sliver of its fair share of 1000.
    expect(last[col('server.2.connections')]).toBeLessThan(20);
    expect(s['servers.connections.imbalance']).toBeGreaterThan(1.3);
  });

  it('with reconnect none, clients of a crashed server give up', () => {
    const s = runSimulation(
      baseConfig({
        durationMs: 30_000,
        servers: servers(2),
        clients: { arrivals: { kind: 'ramp', clients: 200, startMs: 0, overMs: 1000 }, sessionMs: null, connectTimeoutMs: 5000, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 } },
        faults: [{ kind: 'crash', server: 0, atMs: 10_000, restartAfterMs: null }],
      }),
    ).summary;
    expect(s['clients.gaveUp']).toBe(100);
    expect(s['clients.connected.final']).toBe(100);
  });

  it('closes healthy connections as dead when pongs queue behind a handshake backlog (CPU → late pong → timeout)', () => {
    const run = (handshakeMs: number) =>
      runSimulation(
        baseConfig({
          durationMs: 40_000,
          servers: servers(1, { handshakeCostMs: { kind: 'constant', value: handshakeMs } }),
          clients: { arrivals: { kind: 'ramp', clients: 3000, startMs: 0, overMs: 10_000 }, sessionMs: null, connectTimeoutMs: 60_000, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 } },
          network: { clientLatencyMs: { kind: 'constant', value: 10 }, backendLatencyMs: { kind: 'constant', value: 0.2 }, downlinkBytesPerSec: { kind: 'constant', value: 1_250_000 }, pathBufferBytes: 131_072 },
          heartbeat: { name: 'ping-pong', options: { intervalMs: 2000, timeoutMs: 1000 } },
          reconnect: { name: 'immediate', options: { maxAttempts: 0 } },
        }),
      ).summary;
    // 300 handshakes/s at 1 ms is a 30 % load: pongs are answered in time.
    expect(run(1)['heartbeat.timeouts']).toBe(0);
    // At 5 ms each the core is 150 % loaded; pongs wait behind handshakes and time out, and
    // every timed-out client comes back as one more handshake.
    const saturated = run(5);
    expect(saturated['heartbeat.timeouts']).toBeGreaterThan(100);
    expect(saturated['connect.attempts']).toBeGreaterThan(3000 + (saturated['heartbeat.timeouts'] as number) * 0.9);
  });
});

describe('regressions', () => {
  it('a client that times out while its handshake is still queued leaves the server consistent (wasted work, no corruption)', () => {
    const result = runSimulation(
      baseConfig({
        durationMs: 30_000,
        servers: servers(1, { handshakeCostMs: { kind: 'constant', value: 20 } }),
        network: { clientLatencyMs: { kind: 'constant', value: 5 }, backendLatencyMs: { kind: 'constant', value: 0.2 }, downlinkBytesPerSec: { kind: 'constant', value: 1_250_000 }, pathBufferBytes: 131_072 },
        clients: { arrivals: { kind: 'ramp', clients: 2000, startMs: 0, overMs: 5000 }, sessionMs: null, connectTimeoutMs: 2000, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 } },
        reconnect: { name: 'full-jitter', options: { baseMs: 1000, capMs: 10_000, maxAttempts: 0 } },
      }),
    );
    const s = result.summary;
    expect(s['connect.timeouts']).toBeGreaterThan(100);
    expect(s['handshake.wasted']).toBeGreaterThan(100);
    // What the clients believe matches what the server holds.
    const last = result.timeseries.rows.at(-1) ?? [];
    expect(s['clients.connected.final']).toBe(last[result.timeseries.columns.indexOf('server.0.connections')]);
    // Work spent on clients that had already left is work not spent on the rest: at 20 ms a
    // handshake the core could have admitted 1,500 in 30 s, and the wasted ones come off that.
    expect((s['clients.connected.final'] as number) + (s['handshake.wasted'] as number)).toBeLessThanOrEqual(1500);
  });
});

describe('dead peers', () => {
  const flapping = (heartbeat: SimConfig['heartbeat']) =>
    runSimulation(
      baseConfig({
        durationMs: 600_000,
        servers: servers(2),
        network: { clientLatencyMs: { kind: 'constant', value: 20 }, backendLatencyMs: { kind: 'constant', value: 0.2 }, downlinkBytesPerSec: { kind: 'constant', value: 1_250_000 }, pathBufferBytes: 131_072 },
        clients: { arrivals: { kind: 'ramp', clients: 2000, startMs: 0, overMs: 10_000 }, sessionMs: null, connectTimeoutMs: 10_000, flapsPerHour: 30, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 } },
        heartbeat,
        reconnect: { name: 'full-jitter', options: { baseMs: 500, capMs: 5000, maxAttempts: 0 } },
      }),
    ).summary;

  it('linger until the heartbeat notices: ping-pong finds one after half an interval plus the timeout on average', () => {
    const s = flapping({ name: 'ping-pong', options: { intervalMs: 25_000, timeoutMs: 20_000 } });
    expect(s['clients.flaps']).toBeGreaterThan(5000);
    // A drop lands at a uniform point of the ping cycle: detection = U(0, interval) + timeout.
    expect(s['heartbeat.deadPeerDetectionMs.mean']).toBeGreaterThan(32_500 * 0.95);
    expect(s['heartbeat.deadPeerDetectionMs.mean']).toBeLessThan(32_500 * 1.05);
  });

  it('ws-interval finds one after one and a half intervals on average', () => {
    const s = flapping({ name: 'ws-interval', options: { intervalMs: 30_000 } });
    expect(s['heartbeat.deadPeerDetectionMs.mean']).toBeGreaterThan(45_000 * 0.95);
    expect(s['heartbeat.deadPeerDetectionMs.mean']).toBeLessThan(45_000 * 1.05);
  });
});

describe('a partition', () => {
  it('cuts a share of clients off: their connections time out by heartbeat, and they come back when it heals', () => {
    const result = runSimulation(
      baseConfig({
        durationMs: 200_000,
        servers: servers(2),
        network: { clientLatencyMs: { kind: 'constant', value: 20 }, backendLatencyMs: { kind: 'constant', value: 0.2 }, downlinkBytesPerSec: { kind: 'constant', value: 1_250_000 }, pathBufferBytes: 131_072 },
        clients: { arrivals: { kind: 'ramp', clients: 2000, startMs: 0, overMs: 10_000 }, sessionMs: null, connectTimeoutMs: 10_000, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 } },
        heartbeat: { name: 'ping-pong', options: { intervalMs: 10_000, timeoutMs: 5_000 } },
        reconnect: { name: 'full-jitter', options: { baseMs: 1000, capMs: 10_000, maxAttempts: 0 } },
        faults: [{ kind: 'partition', share: 0.3, atMs: 30_000, durationMs: 60_000 }],
      }),
    );
    const s = result.summary;
    // About 30 % of 2000 lose their connections to the heartbeat (binomial: 600 ± 3 sd ≈ 60).
    expect(s['heartbeat.timeouts']).toBeGreaterThan(540);
    expect(s['heartbeat.timeouts']).toBeLessThan(660);
    expect(s['recovery.minConnectedShare']).toBeLessThan(0.75);
    expect(s['clients.connected.final']).toBe(2000);
  });
});

describe('the autoscaler', () => {
  const growing = (rebalanceShare: number) =>
    runSimulation(
      baseConfig({
        durationMs: 400_000,
        sampleIntervalMs: 5000,
        servers: servers(2),
        network: { clientLatencyMs: { kind: 'constant', value: 20 }, backendLatencyMs: { kind: 'constant', value: 0.2 }, downlinkBytesPerSec: { kind: 'constant', value: 1_250_000 }, pathBufferBytes: 131_072 },
        clients: { arrivals: { kind: 'ramp', clients: 8000, startMs: 0, overMs: 60_000 }, sessionMs: null, connectTimeoutMs: 10_000, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 } },
        reconnect: { name: 'full-jitter', options: { baseMs: 500, capMs: 5000, maxAttempts: 0 } },
        autoscaler: {
          metric: 'connections',
          target: 1000,
          min: 2,
          max: 10,
          intervalMs: 15_000,
          provisionMs: 30_000,
          cooldownMs: 300_000,
          drainMs: 10_000,
          rebalanceShare,
        },
      }),
    );

  it('adds servers after the provisioning delay until connections per server meet the target', () => {
    const s = growing(0).summary;
    expect(s['autoscaler.servers.final']).toBe(8);
    expect(s['autoscaler.scaleOuts']).toBeGreaterThan(0);
    expect(s['clients.connected.final']).toBe(8000);
  });

  it('leaves long-lived connections where they are unless told to rebalance by shedding', () => {
    const still = growing(0).summary;
    const moved = growing(0.9).summary;
    // All clients arrived before the new servers were up: without shedding nothing moves to them.
    expect(still['servers.connections.imbalance']).toBeGreaterThan(3);
    expect(moved['servers.connections.imbalance']).toBeLessThan(still['servers.connections.imbalance'] as number);
    expect(moved['connections.dropped']).toBeGreaterThan(1000);
  });

  it('spreads first connects by the initial delay', () => {
    const spread = runSimulation(
      baseConfig({
        durationMs: 20_000,
        network: { clientLatencyMs: { kind: 'constant', value: 20 }, backendLatencyMs: { kind: 'constant', value: 0.2 }, downlinkBytesPerSec: { kind: 'constant', value: 1_250_000 }, pathBufferBytes: 131_072 },
        clients: { arrivals: { kind: 'ramp', clients: 1000, startMs: 0, overMs: 100 }, sessionMs: null, connectTimeoutMs: 10_000, flapsPerHour: 0, initialSpreadMs: 10_000, consumePerSec: { kind: 'constant', value: 1000 } },
      }),
    );
    const col = spread.timeseries.columns.indexOf('connect.attempts');
    const perSecond = spread.timeseries.rows.slice(0, 10).map((r) => r[col] as number);
    // 1000 clients spread over 10 s: about 100 attempts a second, not 1000 in the first.
    expect(Math.max(...perSecond)).toBeLessThan(160);
    expect(spread.summary['clients.connected.final']).toBe(1000);
  });
});

describe('regressions from review', () => {
  const net: SimConfig['network'] = { clientLatencyMs: { kind: 'constant', value: 20 }, backendLatencyMs: { kind: 'constant', value: 0.2 }, downlinkBytesPerSec: { kind: 'constant', value: 1_250_000 }, pathBufferBytes: 131_072 };

  it('a dead connection keeps its file descriptor until the heartbeat finds it', () => {
    const s = runSimulation(
      baseConfig({
        durationMs: 600_000,
        servers: servers(1, { fileDescriptors: 600 }),
        network: net,
        clients: { arrivals: { kind: 'ramp', clients: 500, startMs: 0, overMs: 5000 }, sessionMs: null, connectTimeoutMs: 5000, flapsPerHour: 60, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 } },
        reconnect: { name: 'full-jitter', options: { baseMs: 500, capMs: 5000, maxAttempts: 0 } },
      }),
    ).summary;
    // Without a heartbeat the dead sockets pile up and exhaust the descriptors.
    expect(s['connect.descriptorsExhausted']).toBeGreaterThan(0);
  });

  it('a fault restart does not start a spare the autoscaler never provisioned', () => {
    const result = runSimulation(
      baseConfig({
        durationMs: 60_000,
        servers: servers(2),
        network: net,
        clients: { arrivals: { kind: 'ramp', clients: 200, startMs: 0, overMs: 5000 }, sessionMs: null, connectTimeoutMs: 5000, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 } },
        autoscaler: { metric: 'connections', target: 1e9, min: 2, max: 8, intervalMs: 15_000, provisionMs: 30_000, cooldownMs: 1e9, drainMs: 10_000, rebalanceShare: 0 },
        faults: [{ kind: 'rolling-restart', atMs: 10_000, windowMs: 1000, restartAfterMs: 1000, pauseMs: 1000 }],
      }),
    );
    expect(result.summary['servers.up.final']).toBe(2);
  });

  it('measures recovery from the trough when clients notice a fault late (partition)', () => {
    const s = runSimulation(
      baseConfig({
        durationMs: 200_000,
        servers: servers(2),
        network: net,
        clients: { arrivals: { kind: 'ramp', clients: 2000, startMs: 0, overMs: 10_000 }, sessionMs: null, connectTimeoutMs: 10_000, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 } },
        heartbeat: { name: 'ping-pong', options: { intervalMs: 10_000, timeoutMs: 5_000 } },
        reconnect: { name: 'full-jitter', options: { baseMs: 1000, capMs: 10_000, maxAttempts: 0 } },
        faults: [{ kind: 'partition', share: 0.5, atMs: 30_000, durationMs: 30_000 }],
      }),
    ).summary;
    // The heartbeat notices 5–15 s after the cut; the clients are back only after the partition heals at 60 s.
    expect(s['recovery.ms95']).toBeGreaterThanOrEqual(30_000);
  });
});

describe('fleet CPU utilisation', () => {
  it('averages over the time servers ran, so autoscaler spares that never started do not dilute it', () => {
    const config = (max: number) =>
      baseConfig({
        durationMs: 60_000,
        servers: servers(2, { handshakeCostMs: { kind: 'constant', value: 1 } }),
        clients: { arrivals: { kind: 'poisson', ratePerSec: 500, startMs: 0, stopMs: Infinity }, sessionMs: { kind: 'exponential', mean: 1000 }, connectTimeoutMs: 1e9, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 } },
        autoscaler: { metric: 'connections', target: 1e9, min: 2, max, intervalMs: 15_000, provisionMs: 30_000, cooldownMs: 1e9, drainMs: 10_000, rebalanceShare: 0 },
      });
    const fixed = runSimulation(config(2)).summary['servers.cpu.utilization.mean'] as number;
    const withSpares = runSimulation(config(8)).summary['servers.cpu.utilization.mean'] as number;
    // 500 handshakes/s of 1 ms over two cores: a quarter of each.
    expect(fixed).toBeCloseTo(0.25, 1);
    expect(withSpares).toBeCloseTo(fixed, 6);
  });
});

describe('a crashed process on a live host refuses at once; a host that is gone is silent', () => {
  const crashWith = (host: 'up' | 'down') =>
    runSimulation(
      baseConfig({
        durationMs: 40_000,
        servers: servers(3),
        network: { clientLatencyMs: { kind: 'constant', value: 10 }, backendLatencyMs: { kind: 'constant', value: 0.2 }, downlinkBytesPerSec: { kind: 'constant', value: 1_250_000 }, pathBufferBytes: 131_072 },
        clients: { arrivals: { kind: 'ramp', clients: 900, startMs: 0, overMs: 5000 }, sessionMs: null, connectTimeoutMs: 10_000, flapsPerHour: 0, initialSpreadMs: 0, consumePerSec: { kind: 'constant', value: 1000 } },
        reconnect: { name: 'exponential', options: { baseMs: 250, capMs: 4000 } },
        faults: [{ kind: 'crash', server: 0, atMs: 10_000, restartAfterMs: null, host }],
      }),
    ).summary;

  it('attempts routed to the dead server fail after one round trip instead of the balancer connect timeout', () => {
    const up = crashWith('up');
    const down = crashWith('down');
    expect(up['connect.failed']).toBeGreaterThan(0);
    expect(down['connect.failed']).toBeGreaterThan(0);
    // Down: each unlucky attempt waits out the balancer's 5 s connect timeout before its 503.
    expect(down['recovery.ms99']).toBeGreaterThan(5000);
    expect(up['recovery.ms99']).toBeLessThan((down['recovery.ms99'] as number) / 2);
  });
});
