import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExperiment, modelsDir, resolvedExperimentYaml, toSimConfig, type Experiment, type LoadOptions } from '../../src/experiment/index.js';

/** The smallest experiment: every section not named here comes from defaults and default profiles. */
const MINIMAL = `name: tiny
question: what do the defaults give?
durationMs: 5000
fleet:
  servers: 2
clients:
  arrivals: { ramp: { clients: 10, overMs: 1000 } }
`;

let work: string;
let count = 0;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wsfleet-load-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Writes `yaml` to a fresh file and loads it; fails the test with the issues if it does not validate. */
function load(yaml: string, options: LoadOptions = {}): Experiment {
  const file = join(work, `experiment-${String(++count)}.yaml`);
  writeFileSync(file, yaml);
  const loaded = loadExperiment(file, options);
  if (!loaded.ok) throw new Error(`expected ${file} to validate:\n${JSON.stringify(loaded.issues, null, 2)}`);
  return loaded.experiment;
}

/** The `values:` of a bundled profile file, read directly. */
function profileValues(kind: string, name: string): Record<string, unknown> {
  return (parse(readFileSync(join(modelsDir(), kind, `${name}.yaml`), 'utf8')) as { values: Record<string, unknown> }).values;
}

describe('profiles', () => {
  it('fill a section with the named profile’s values; keys written next to the profile override them', () => {
    const e = load(
      MINIMAL.replace(
        '  servers: 2\n',
        '  servers: 2\n  server: { profile: node-ws-tls, maxConnections: 500 }\n  network: { profile: mobile, clientLatencyMs: 10 }\n',
      ),
    );
    const tls = profileValues('servers', 'node-ws-tls');
    const mobile = profileValues('networks', 'mobile');
    expect(e.fleet.server).toEqual({ ...tls, profile: 'node-ws-tls', maxConnections: 500 });
    expect(tls.maxConnections).not.toBe(500);
    expect(e.fleet.network).toEqual({ profile: 'mobile', clientLatencyMs: 10, backendLatencyMs: mobile.backendLatencyMs });
  });

  it('of the default kind fill sections that name none', () => {
    const e = load(MINIMAL);
    expect(e.fleet.server).toEqual({ profile: 'node-ws-plain', ...profileValues('servers', 'node-ws-plain') });
    expect(e.fleet.network).toEqual({ profile: 'broadband', ...profileValues('networks', 'broadband') });
    expect(e.clients).toMatchObject({ profile: 'browser', connectTimeoutMs: profileValues('clients', 'browser').connectTimeoutMs });
  });

  it('are returned with the experiment, with their sources', () => {
    const file = join(work, 'with-profiles.yaml');
    writeFileSync(file, MINIMAL.replace('  servers: 2\n', '  servers: 2\n  server: { profile: node-ws-tls }\n'));
    const loaded = loadExperiment(file);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.profiles.map((p) => p.name).sort()).toEqual(['broadband', 'browser', 'node-ws-tls']);
    for (const p of loaded.profiles) expect(p.sources.length).toBeGreaterThan(0);
  });
});

describe('--set overrides', () => {
  const file = MINIMAL.replace('  servers: 2\n', '  servers: 2\n  server: { profile: node-ws-tls, maxConnections: 500 }\n');

  it('win over the file and over the profile', () => {
    const e = load(file, { sets: ['fleet.servers=20', 'fleet.server.maxConnections=600', 'fleet.server.cores=4'] });
    expect(e.fleet.servers).toBe(20);
    expect(e.fleet.server.maxConnections).toBe(600);
    expect(e.fleet.server.cores).toBe(4);
    // Untouched profile values stay.
    expect(e.fleet.server.handshakeCostMs).toEqual(profileValues('servers', 'node-ws-tls').handshakeCostMs);
  });

  it('apply in order: the last one for a path wins', () => {
    const e = load(file, { sets: ['fleet.servers=20', 'fleet.servers=30'] });
    expect(e.fleet.servers).toBe(30);
  });

  it('can switch a section’s profile, keeping the keys the file wrote next to it', () => {
    const e = load(file, { sets: ['fleet.server.profile=node-ws-plain'] });
    expect(e.fleet.server.profile).toBe('node-ws-plain');
    expect(e.fleet.server.handshakeCostMs).toEqual(profileValues('servers', 'node-ws-plain').handshakeCostMs);
    expect(e.fleet.server.maxConnections).toBe(500);
  });

  it('create sections the file does not have, and take YAML values (maps, lists indices)', () => {
    const e = load(MINIMAL + 'faults:\n  - crash: { server: 0, atMs: 1000 }\n', {
      sets: ['balancer.healthCheck.fall=5', 'clients.reconnect={ constant: { delayMs: 50 } }', 'faults.0.crash.server=1'],
    });
    expect(e.balancer.healthCheck).toEqual({ intervalMs: 2000, fall: 5, rise: 2 });
    expect(e.clients.reconnect).toEqual({ constant: { delayMs: 50, maxAttempts: 0 } });
    expect(e.faults[0]?.crash?.server).toBe(1);
  });

  it('are validated like the file, and blamed on the flag', () => {
    const f = join(work, 'set-validated.yaml');
    writeFileSync(f, file);
    const loaded = loadExperiment(f, { sets: ['fleet.server.cores=0'] });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.issues).toEqual([{ source: '--set fleet.server.cores=0', path: ['fleet', 'server', 'cores'], message: 'expected a number >= 1, got 0' }]);
  });

  it('--seed replaces the file’s seed', () => {
    expect(load(MINIMAL + 'seed: 5\n').seed).toBe(5);
    expect(load(MINIMAL + 'seed: 5\n', { seed: 9 }).seed).toBe(9);
  });
});

describe('defaults', () => {
  it('fill everything the file leaves out, with HAProxy’s health check (inter 2000, fall 3, rise 2)', () => {
    const e = load(MINIMAL);
    expect(e.seed).toBe(1);
    expect(e.sampleIntervalMs).toBe(1000);
    expect(e.balancer).toEqual({ strategy: 'round-robin', healthCheck: { intervalMs: 2000, fall: 3, rise: 2 } });
    expect(e.heartbeat).toBe('ping-pong');
    expect(e.faults).toEqual([]);
    expect(e.charts).toEqual([]);
  });

  it('fill the rest of a partly written section', () => {
    const e = load(MINIMAL + 'balancer:\n  healthCheck: { intervalMs: 500 }\n');
    expect(e.balancer.healthCheck).toEqual({ intervalMs: 500, fall: 3, rise: 2 });
  });

  it('give a crash no restart unless one is written', () => {
    const e = load(MINIMAL + 'faults:\n  - crash: { server: 1, atMs: 1000 }\n');
    expect(e.faults).toEqual([{ crash: { server: 1, atMs: 1000, restartAfterMs: null } }]);
  });
});

describe('distributions', () => {
  const withHandshake = (value: string) => MINIMAL.replace('  servers: 2\n', `  servers: 2\n  server: { handshakeCostMs: ${value} }\n`);

  it('a plain number means a constant', () => {
    const plain = toSimConfig(load(withHandshake('0.5'))).servers.spec.handshakeCostMs;
    const explicit = toSimConfig(load(withHandshake('{ constant: { valueMs: 0.5 } }'))).servers.spec.handshakeCostMs;
    expect(plain).toEqual({ kind: 'constant', value: 0.5 });
    expect(explicit).toEqual(plain);
  });

  it('a named distribution keeps its parameters', () => {
    expect(toSimConfig(load(withHandshake('{ exponential: { meanMs: 2 } }'))).servers.spec.handshakeCostMs).toEqual({ kind: 'exponential', mean: 2 });
    expect(toSimConfig(load(withHandshake('{ uniform: { minMs: 1, maxMs: 3 } }'))).servers.spec.handshakeCostMs).toEqual({ kind: 'uniform', min: 1, max: 3 });
  });

  it('a session of "forever" means clients never leave, a number a constant session', () => {
    expect(toSimConfig(load(MINIMAL.replace('clients:\n', 'clients:\n  sessionMs: forever\n'))).clients.sessionMs).toBeNull();
    const e = load(MINIMAL.replace('clients:\n', 'clients:\n  sessionMs: 60000\n'));
    expect(toSimConfig(e).clients.sessionMs).toEqual({ kind: 'constant', value: 60000 });
  });
});

describe('strategies', () => {
  it('validate written bare or with options, and bare means default options', () => {
    const bare = load(MINIMAL + 'balancer: { strategy: least-connections }\nheartbeat: ping-pong\n');
    const withOptions = load(MINIMAL + 'balancer: { strategy: { least-connections: {} } }\nheartbeat: { ping-pong: {} }\n');
    expect(bare.balancer.strategy).toBe('least-connections');
    expect(withOptions.balancer.strategy).toEqual({ 'least-connections': {} });
    expect(toSimConfig(bare).balancer).toEqual({ name: 'least-connections', options: {} });
    expect(toSimConfig(withOptions).balancer).toEqual(toSimConfig(bare).balancer);
    expect(toSimConfig(bare).heartbeat).toEqual({ name: 'ping-pong', options: { intervalMs: 25000, timeoutMs: 20000 } });
    expect(toSimConfig(withOptions).heartbeat).toEqual(toSimConfig(bare).heartbeat);
  });

  it('with some options get the defaults of the others', () => {
    const e = load(MINIMAL.replace('clients:\n', 'clients:\n  reconnect: { exponential: { baseMs: 100 } }\n'));
    expect(toSimConfig(e).reconnect).toEqual({ name: 'exponential', options: { baseMs: 100, capMs: 30000, factor: 2, maxAttempts: 0 } });
    const bare = load(MINIMAL.replace('clients:\n', 'clients:\n  reconnect: exponential\n'));
    expect(toSimConfig(bare).reconnect).toEqual({ name: 'exponential', options: { baseMs: 1000, capMs: 30000, factor: 2, maxAttempts: 0 } });
  });
});

describe('charts', () => {
  it('are checked against the names the report layer can draw', () => {
    const file = join(work, 'charts.yaml');
    writeFileSync(file, MINIMAL + 'charts: [clients, pie]\n');
    const loaded = loadExperiment(file, { chartNames: ['clients', 'connections-by-server'] });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.issues).toHaveLength(1);
    expect(loaded.issues[0]?.path).toEqual(['charts', 1]);
    expect(loaded.issues[0]?.message).toContain("got 'pie'");
  });
});

describe('the resolved experiment', () => {
  it('loads back to the same experiment, defaults and profile values included', () => {
    const e = load(
      MINIMAL.replace('  servers: 2\n', '  servers: 2\n  server: { profile: node-ws-tls, cores: 2 }\n') +
        'heartbeat: { ws-interval: { intervalMs: 10000 } }\nfaults:\n  - crash: { server: 1, atMs: 1000 }\n',
      { sets: ['durationMs=7000'], seed: 11 },
    );
    const again = load(resolvedExperimentYaml(e));
    expect(again).toEqual({ ...e, wsfleetVersion: again.wsfleetVersion });
    expect(again.seed).toBe(11);
    expect(again.durationMs).toBe(7000);
    expect(typeof again.wsfleetVersion).toBe('string');
  });
});
