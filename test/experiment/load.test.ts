import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatIssues,
  loadExperiment,
  modelsDir,
  resolvedExperimentYaml,
  toSimConfig,
  type Experiment,
  type InputIssue,
  type LoadOptions,
} from '../../src/experiment/index.js';
import type { ServerGroupSpec, SimConfig } from '../../src/sim/index.js';

/** The smallest experiment: every section not named here comes from defaults and default profiles. */
const MINIMAL = `name: tiny
question: what do the defaults give?
durationMs: 5000
fleet:
  servers: 2
clients:
  arrivals: { ramp: { clients: 10, overMs: 1000 } }
`;

/** MINIMAL with its fleet written as groups instead of `servers: 2`. */
const withGroups = (groups: string) => MINIMAL.replace('  servers: 2\n', `  groups:\n${groups}`);

/** Two TLS servers of weight 4 and six plain ones: eight servers in all. */
const MIXED = withGroups(`    - name: tls
      servers: 2
      server: { profile: node-ws-tls, weight: 4 }
    - name: plain
      servers: 6
      server: { profile: node-ws-plain }
`);

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

/** The one server group of a fleet written as `servers` + `server`. */
function onlyGroup(config: SimConfig): ServerGroupSpec {
  expect(config.servers).toHaveLength(1);
  return config.servers[0] as ServerGroupSpec;
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
    expect(e.fleet.server).toMatchObject({ ...tls, profile: 'node-ws-tls', maxConnections: 500 });
    expect(tls.maxConnections).not.toBe(500);
    expect(e.fleet.network).toEqual({ profile: 'mobile', clientLatencyMs: 10, backendLatencyMs: mobile.backendLatencyMs, downlinkBytesPerSec: mobile.downlinkBytesPerSec, pathBufferBytes: mobile.pathBufferBytes });
  });

  it('of the default kind fill sections that name none', () => {
    const e = load(MINIMAL);
    expect(e.fleet.server).toMatchObject({ profile: 'node-ws-plain', ...profileValues('servers', 'node-ws-plain') });
    expect(e.fleet.network).toEqual({ profile: 'broadband', ...profileValues('networks', 'broadband') });
    expect(e.clients).toMatchObject({ profile: 'browser', connectTimeoutMs: profileValues('clients', 'browser').connectTimeoutMs });
    expect(e.balancer).toMatchObject({ profile: 'haproxy', ...profileValues('balancers', 'haproxy') });
  });

  it('are returned with the experiment, with their sources', () => {
    const file = join(work, 'with-profiles.yaml');
    writeFileSync(file, MINIMAL.replace('  servers: 2\n', '  servers: 2\n  server: { profile: node-ws-tls }\n'));
    const loaded = loadExperiment(file);
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.profiles.map((p) => p.name).sort()).toEqual(['broadband', 'browser', 'haproxy', 'node-ws-tls']);
    for (const p of loaded.profiles) expect(p.sources.length).toBeGreaterThan(0);
  });
});

describe('--set overrides', () => {
  const file = MINIMAL.replace('  servers: 2\n', '  servers: 2\n  server: { profile: node-ws-tls, maxConnections: 500 }\n');

  it('win over the file and over the profile', () => {
    const e = load(file, { sets: ['fleet.servers=20', 'fleet.server.maxConnections=600', 'fleet.server.processes=4'] });
    expect(e.fleet.servers).toBe(20);
    expect(e.fleet.server?.maxConnections).toBe(600);
    expect(e.fleet.server?.processes).toBe(4);
    // Untouched profile values stay.
    expect(e.fleet.server?.handshakeCostMs).toEqual(profileValues('servers', 'node-ws-tls').handshakeCostMs);
  });

  it('apply in order: the last one for a path wins', () => {
    const e = load(file, { sets: ['fleet.servers=20', 'fleet.servers=30'] });
    expect(e.fleet.servers).toBe(30);
  });

  it('can switch a section’s profile, keeping the keys the file wrote next to it', () => {
    const e = load(file, { sets: ['fleet.server.profile=node-ws-plain'] });
    expect(e.fleet.server?.profile).toBe('node-ws-plain');
    expect(e.fleet.server?.handshakeCostMs).toEqual(profileValues('servers', 'node-ws-plain').handshakeCostMs);
    expect(e.fleet.server?.maxConnections).toBe(500);
  });

  it('create sections the file does not have, and take YAML values (maps, lists indices)', () => {
    const e = load(MINIMAL + 'faults:\n  - crash: { server: 0, atMs: 1000 }\n', {
      sets: ['balancer.healthCheck.fall=5', 'clients.reconnect={ constant: { delayMs: 50 } }', 'faults.0.crash.server=1'],
    });
    expect(e.balancer.healthCheck).toMatchObject({ intervalMs: 2000, timeoutMs: 2000, fall: 5, rise: 2 });
    expect(e.clients.reconnect).toMatchObject({ constant: { delayMs: 50, maxAttempts: 0 } });
    expect(e.faults[0]?.crash?.server).toBe(1);
  });

  it('are validated like the file, and blamed on the flag', () => {
    const f = join(work, 'set-validated.yaml');
    writeFileSync(f, file);
    const loaded = loadExperiment(f, { sets: ['fleet.server.processes=0'] });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.issues).toEqual([
      { source: '--set fleet.server.processes=0', path: ['fleet', 'server', 'processes'], message: 'expected a number >= 1, got 0' },
    ]);
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
    expect(e.balancer).toMatchObject({ profile: 'haproxy', strategy: 'round-robin', healthCheck: { intervalMs: 2000, timeoutMs: 2000, fall: 3, rise: 2 } });
    expect(e.heartbeat).toBe('ping-pong');
    expect(e.faults).toEqual([]);
    expect(e.charts).toEqual([]);
  });

  it('fill the rest of a partly written section', () => {
    const e = load(MINIMAL + 'balancer:\n  healthCheck: { intervalMs: 500 }\n');
    expect(e.balancer.healthCheck).toMatchObject({ intervalMs: 500, timeoutMs: 2000, fall: 3, rise: 2 });
  });

  it('give a crash no restart unless one is written', () => {
    const e = load(MINIMAL + 'faults:\n  - crash: { server: 1, atMs: 1000 }\n');
    expect(e.faults).toEqual([{ crash: { server: 1, atMs: 1000, restartAfterMs: null, host: 'down' } }]);
  });
});

describe('distributions', () => {
  const withHandshake = (value: string) => MINIMAL.replace('  servers: 2\n', `  servers: 2\n  server: { handshakeCostMs: ${value} }\n`);
  const handshake = (value: string) => onlyGroup(toSimConfig(load(withHandshake(value)))).spec.handshakeCostMs;

  it('a plain number means a constant', () => {
    const plain = handshake('0.5');
    const explicit = handshake('{ constant: { valueMs: 0.5 } }');
    expect(plain).toEqual({ kind: 'constant', value: 0.5 });
    expect(explicit).toEqual(plain);
  });

  it('a named distribution keeps its parameters', () => {
    expect(handshake('{ exponential: { meanMs: 2 } }')).toEqual({ kind: 'exponential', mean: 2 });
    expect(handshake('{ uniform: { minMs: 1, maxMs: 3 } }')).toEqual({ kind: 'uniform', min: 1, max: 3 });
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
    expect(toSimConfig(bare).balancer.strategy).toEqual({ name: 'least-connections', options: {} });
    expect(toSimConfig(withOptions).balancer.strategy).toEqual(toSimConfig(bare).balancer.strategy);
    expect(toSimConfig(bare).heartbeat).toEqual({ name: 'ping-pong', options: { intervalMs: 25000, timeoutMs: 20000 } });
    expect(toSimConfig(withOptions).heartbeat).toEqual(toSimConfig(bare).heartbeat);
  });

  it('with some options get the defaults of the others', () => {
    const e = load(MINIMAL.replace('clients:\n', 'clients:\n  reconnect: { exponential: { baseMs: 100 } }\n'));
    expect(toSimConfig(e).reconnect).toMatchObject({ name: 'exponential', options: { baseMs: 100, capMs: 30000, factor: 2, maxAttempts: 0 } });
    const bare = load(MINIMAL.replace('clients:\n', 'clients:\n  reconnect: exponential\n'));
    expect(toSimConfig(bare).reconnect).toMatchObject({ name: 'exponential', options: { baseMs: 1000, capMs: 30000, factor: 2, maxAttempts: 0 } });
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
      MINIMAL.replace('  servers: 2\n', '  servers: 2\n  server: { profile: node-ws-tls, processes: 2 }\n') +
        'heartbeat: { ws-interval: { intervalMs: 10000 } }\nfaults:\n  - crash: { server: 1, atMs: 1000 }\n',
      { sets: ['durationMs=7000'], seed: 11 },
    );
    const again = load(resolvedExperimentYaml(e));
    expect(again).toEqual({ ...e, wsfleetVersion: again.wsfleetVersion });
    expect(again.seed).toBe(11);
    expect(again.durationMs).toBe(7000);
    expect(typeof again.wsfleetVersion).toBe('string');
  });

  it('of a fleet of groups loads back to the same experiment, each group with its own profile values', () => {
    const e = load(MIXED);
    const again = load(resolvedExperimentYaml(e));
    expect(again).toEqual({ ...e, wsfleetVersion: again.wsfleetVersion });
    expect(toSimConfig(again).servers).toEqual(toSimConfig(e).servers);
  });
});

/** Loads `yaml` expecting it to be rejected; returns the file and its issues. */
function loadBad(yaml: string, options: LoadOptions = {}): { file: string; issues: InputIssue[] } {
  const file = join(work, `bad-${String(++count)}.yaml`);
  writeFileSync(file, yaml);
  const loaded = loadExperiment(file, options);
  if (loaded.ok) throw new Error(`expected ${file} to be rejected`);
  return { file, issues: loaded.issues };
}

/** 1-based line and column of the first occurrence of `token` in `text`, as issues report them. */
function lineOf(text: string, token: string): { line: number; column: number } {
  const lines = text.split('\n');
  const k = lines.findIndex((l) => l.includes(token));
  if (k < 0) throw new Error(`token ${token} not in test input`);
  return { line: k + 1, column: (lines[k] as string).indexOf(token) + 1 };
}

/** Profile names of one kind in the bundled models/, sorted, as on disk. */
function profilesOnDisk(kind: string): string[] {
  return readdirSync(join(modelsDir(), kind))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

describe('server groups (fleet.groups)', () => {
  it('validate with a different profile per group; each group merges its own profile and its own overrides', () => {
    const e = load(MIXED);
    const [tls, plain] = e.fleet.groups ?? [];
    expect(e.fleet.groups).toHaveLength(2);
    expect(tls).toMatchObject({ name: 'tls', servers: 2, server: { ...profileValues('servers', 'node-ws-tls'), profile: 'node-ws-tls', weight: 4 } });
    expect(plain).toMatchObject({ name: 'plain', servers: 6, server: { ...profileValues('servers', 'node-ws-plain'), profile: 'node-ws-plain', weight: 1 } });
    // The profiles really differ where it matters, so a group taking the other's values would show.
    expect(profileValues('servers', 'node-ws-tls').handshakeCostMs).not.toEqual(profileValues('servers', 'node-ws-plain').handshakeCostMs);
  });

  it('become one ServerGroupSpec each in the simulator config, with their counts and specs', () => {
    const groups = toSimConfig(load(MIXED)).servers;
    expect(groups.map((g) => ({ name: g.name, count: g.count }))).toEqual([
      { name: 'tls', count: 2 },
      { name: 'plain', count: 6 },
    ]);
    const [tls, plain] = groups as [ServerGroupSpec, ServerGroupSpec];
    expect(tls.spec).toMatchObject({ weight: 4, handshakeCostMs: { kind: 'uniform', min: 0.7, max: 1.1 } });
    expect(tls.spec.memory).toEqual(profileValues('servers', 'node-ws-tls').memory);
    expect(plain.spec).toMatchObject({ weight: 1, handshakeCostMs: { kind: 'lognormal', mean: 0.12, std: 0.04 } });
    expect(plain.spec.memory).toEqual(profileValues('servers', 'node-ws-plain').memory);
  });

  it('`servers` + `server` become one group named `servers`', () => {
    const config = toSimConfig(load(MINIMAL.replace('  servers: 2\n', '  servers: 3\n  server: { profile: node-ws-tls, maxConnections: 500 }\n')));
    const group = onlyGroup(config);
    expect(group).toMatchObject({ name: 'servers', count: 3 });
    expect(group.spec).toMatchObject({ maxConnections: 500, weight: 1, handshakeCostMs: { kind: 'uniform', min: 0.7, max: 1.1 } });
  });

  it('--set reaches into a group by index, and is blamed for a bad value there', () => {
    const e = load(MIXED, { sets: ['fleet.groups.1.servers=3', 'fleet.groups.1.server.processes=4'] });
    expect(e.fleet.groups?.[1]).toMatchObject({ servers: 3, server: { profile: 'node-ws-plain', processes: 4 } });
    expect(e.fleet.groups?.[0]?.server.processes).toBe(1);
    const { issues } = loadBad(MIXED, { sets: ['fleet.groups.1.server.processes=0'] });
    expect(issues).toEqual([
      {
        source: '--set fleet.groups.1.server.processes=0',
        path: ['fleet', 'groups', 1, 'server', 'processes'],
        message: 'expected a number >= 1, got 0',
      },
    ]);
  });

  it('a crash fault may name any server of any group: indices count across groups', () => {
    const e = load(MIXED + 'faults:\n  - crash: { server: 7, atMs: 1000 }\n');
    expect(toSimConfig(e).faults).toEqual([{ kind: 'crash', server: 7, atMs: 1000, restartAfterMs: null, host: 'down' }]);
  });
});

describe('fleet: servers or groups', () => {
  const EITHER = /^expected exactly one of: servers \(with server\), groups$/;

  it('rejects both `servers` and `groups` with one error at fleet', () => {
    const yaml = MIXED.replace('  groups:\n', '  servers: 2\n  groups:\n');
    const { file, issues } = loadBad(yaml);
    expect(issues).toEqual([{ source: file, ...lineOf(yaml, 'fleet:'), path: ['fleet'], message: expect.stringMatching(EITHER) as string }]);
  });

  it('rejects a fleet with neither `servers` nor `groups` with one error at fleet', () => {
    const yaml = MINIMAL.replace('  servers: 2\n', '  network: { profile: mobile }\n');
    const { file, issues } = loadBad(yaml);
    expect(issues).toEqual([{ source: file, ...lineOf(yaml, 'fleet:'), path: ['fleet'], message: expect.stringMatching(EITHER) as string }]);
  });

  it('rejects a crash fault on a server index at or past the total over groups, giving that total', () => {
    const yaml = MIXED + 'faults:\n  - crash: { server: 8, atMs: 1000 }\n';
    const { file, issues } = loadBad(yaml);
    expect(issues).toEqual([
      {
        source: file,
        ...lineOf(yaml, 'server: 8,'),
        path: ['faults', 0, 'crash', 'server'],
        message: 'expected a server index below the server count (8), got 8',
      },
    ]);
  });

  it('reports a bad value inside a group’s server at that path, with its line', () => {
    const yaml = MIXED.replace('      server: { profile: node-ws-plain }\n', '      server:\n        profile: node-ws-plain\n        processes: 0\n');
    const { file, issues } = loadBad(yaml);
    expect(issues).toEqual([
      {
        source: file,
        ...lineOf(yaml, 'processes: 0'),
        path: ['fleet', 'groups', 1, 'server', 'processes'],
        message: 'expected a number >= 1, got 0',
      },
    ]);
    expect(formatIssues(issues)).toBe(`✖ ${file}:${String(lineOf(yaml, 'processes: 0').line)}:9 fleet.groups[1].server.processes: expected a number >= 1, got 0`);
  });

  it('reports an unknown profile in a group at that group’s profile, listing the known ones', () => {
    const yaml = MIXED.replace('profile: node-ws-plain', 'profile: node-ws-quic');
    const { file, issues } = loadBad(yaml);
    expect(issues).toEqual([
      {
        source: file,
        ...lineOf(yaml, 'profile: node-ws-quic'),
        path: ['fleet', 'groups', 1, 'server', 'profile'],
        message: `unknown servers profile 'node-ws-quic'; expected one of: ${profilesOnDisk('servers').join(', ')}`,
      },
    ]);
  });

  it('rejects the old `cores` server key, listing processes and coresPerProcess instead', () => {
    const yaml = MINIMAL.replace('  servers: 2\n', '  servers: 2\n  server: { cores: 2 }\n');
    const { file, issues } = loadBad(yaml);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ source: file, ...lineOf(yaml, 'cores'), path: ['fleet', 'server', 'cores'] });
    expect(issues[0]?.message).toMatch(/^unknown key 'cores'; expected one of: /);
    expect(issues[0]?.message).toContain('processes');
    expect(issues[0]?.message).toContain('coresPerProcess');
  });

  it('lists the keys of a distribution inside an optional union (maxConnectionAgeMs: never or a duration)', () => {
    const yaml = MINIMAL.replace('  servers: 2\n', '  servers: 2\n  server: { maxConnectionAgeMs: { uniform: { minMs: 1, maxMs: 2, mean: 3 } } }\n');
    const { issues } = loadBad(yaml);
    expect(issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['fleet.server.maxConnectionAgeMs.uniform.mean', "unknown key 'mean'; expected one of: minMs, maxMs"],
    ]);
  });
});

describe('the balancer section', () => {
  it('gets the haproxy profile when it names none (health check 2000/2000/3/2, 28232 ports per backend, 5 s connect timeout)', () => {
    const e = load(MINIMAL);
    expect(e.balancer.profile).toBe('haproxy');
    expect(e.balancer.healthCheck).toMatchObject({ intervalMs: 2000, timeoutMs: 2000, fall: 3, rise: 2 });
    expect(e.balancer).toMatchObject({ portsPerBackend: 28232, connectTimeoutMs: 5000 });
    expect(toSimConfig(e).balancer).toMatchObject({
      healthCheck: { intervalMs: 2000, timeoutMs: 2000, fall: 3, rise: 2 },
      portsPerBackend: 28232,
      connectTimeoutMs: 5000,
    });
  });

  it('takes keys written next to the profile over the profile’s values, keeping the rest', () => {
    const e = load(MINIMAL + 'balancer:\n  strategy: least-connections\n  portsPerBackend: 100\n  healthCheck: { intervalMs: 500, timeoutMs: 250, fall: 2, rise: 1 }\n');
    expect(e.balancer).toMatchObject({ profile: 'haproxy', strategy: 'least-connections', portsPerBackend: 100, connectTimeoutMs: 5000 });
    expect(e.balancer.healthCheck).toMatchObject({ intervalMs: 500, timeoutMs: 250, fall: 2, rise: 1 });
    expect(toSimConfig(e).balancer).toMatchObject({ strategy: { name: 'least-connections' }, portsPerBackend: 100, connectTimeoutMs: 5000 });
  });

  it('naming the haproxy profile gives the same as naming none', () => {
    expect(load(MINIMAL + 'balancer: { profile: haproxy }\n').balancer).toEqual(load(MINIMAL).balancer);
  });

  it('with an unknown profile is rejected at balancer.profile, listing the known ones', () => {
    const yaml = MINIMAL + 'balancer: { profile: nginx }\n';
    const known = profilesOnDisk('balancers');
    expect(known).toContain('haproxy');
    const { file, issues } = loadBad(yaml);
    expect(issues).toEqual([
      {
        source: file,
        ...lineOf(yaml, 'profile: nginx'),
        path: ['balancer', 'profile'],
        message: `unknown balancers profile 'nginx'; expected one of: ${known.join(', ')}`,
      },
    ]);
  });
});
