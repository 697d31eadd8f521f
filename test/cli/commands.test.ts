import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cliPath, FLAGSHIP, repoRoot, STACK_LINE, wsfleet, type CliResult } from './cli.js';

/** wsfleet's CSVs hold numbers and dotted names only, so no cell is quoted. */
function parseCsv(text: string): string[][] {
  expect(text).not.toContain('"');
  return text
    .trimEnd()
    .split('\n')
    .map((line) => line.split(','));
}

const STRATEGIES = ['round-robin', 'least-connections', 'full-jitter', 'ping-pong'];

/** Profile names as they are on disk: models/<kind>/<name>.yaml. */
function profilesOnDisk(): string[] {
  const models = join(repoRoot, 'models');
  return readdirSync(models).flatMap((kind) =>
    readdirSync(join(models, kind))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length)),
  );
}

function experimentsOnDisk(): string[] {
  return readdirSync(join(repoRoot, 'experiments'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `experiments/${f}`);
}

describe('help', () => {
  it('wsfleet --help exits 0 and shows examples', () => {
    const r = wsfleet(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: wsfleet');
    for (const command of ['run', 'list', 'schema']) expect(r.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    expect(r.stdout).toMatch(/Examples?:/);
    expect(r.stdout).toMatch(/^\s+wsfleet run \S+\.yaml/m);
  });

  it('wsfleet run --help exits 0 and shows examples of runs with --seed, --out and --set', () => {
    const r = wsfleet(['run', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: wsfleet run');
    expect(r.stdout).toContain('Examples:');
    const examples = r.stdout.slice(r.stdout.indexOf('Examples:')).split('\n').filter((l) => l.trim().startsWith('wsfleet run'));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(examples.join('\n')).toContain('--seed');
    expect(examples.join('\n')).toContain('--set');
    // The examples name an experiment that ships with wsfleet.
    for (const line of examples) expect(existsSync(join(repoRoot, line.trim().split(/\s+/)[2] ?? ''))).toBe(true);
  });
});

describe('wsfleet list', () => {
  let all: CliResult;
  beforeAll(() => {
    all = wsfleet(['list']);
  });

  it('lists the strategies, the profiles and the experiments', () => {
    expect(all.status, all.stderr).toBe(0);
    const names = all.stdout.split('\n').map((l) => l.split(/\s+/).filter(Boolean));
    const has = (name: string) => names.some((cells) => cells.includes(name));
    for (const name of [...STRATEGIES, ...profilesOnDisk(), ...experimentsOnDisk()]) expect(has(name), name).toBe(true);
    expect(profilesOnDisk()).toEqual(expect.arrayContaining(['node-ws-plain', 'node-ws-tls', 'broadband', 'browser', 'haproxy']));
  });

  it('prints names and descriptions left-aligned, each column starting at the same offset on every line', () => {
    const lines = all.stdout.split('\n').filter((l) => l.trim() !== '');
    const nameStarts = new Set(
      lines.map((l) => {
        const kind = /^\S+/.exec(l)?.[0] ?? '';
        return kind.length + (/^\s+/.exec(l.slice(kind.length))?.[0].length ?? 0);
      }),
    );
    expect(nameStarts.size).toBe(1);
  });

  it('--json prints one JSON object per line, only of the section asked for', () => {
    const r = wsfleet(['list', 'strategies', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const rows = lines.map((l) => JSON.parse(l) as { kind: string; name: string; doc: string });
    for (const row of rows) {
      expect(typeof row.name).toBe('string');
      expect(typeof row.doc).toBe('string');
      expect(row.doc.length).toBeGreaterThan(0);
    }
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(STRATEGIES));
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['balancer', 'reconnect', 'heartbeat', 'admission', 'shedding', 'backpressure', 'resume']));
  });

  it('rejects an unknown section with exit 2 and lists the sections', () => {
    const r = wsfleet(['list', 'bogus']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.stderr).toContain("'bogus'");
    for (const section of ['experiments', 'profiles', 'strategies', 'charts']) expect(r.stderr).toContain(section);
  });

  it('stops quietly with exit 0 when its reader closes the pipe early (wsfleet schema | head -1)', () => {
    // `head -1` reads one line and exits; the CLI's next write meets a closed pipe (EPIPE). The schema
    // is long enough (over a pipe buffer) that it always does.
    const piped = spawnSync('bash', ['-c', `"${process.execPath}" "${cliPath}" schema | head -1; exit \${PIPESTATUS[0]}`], { cwd: repoRoot, encoding: 'utf8' });
    expect(piped.stderr).not.toMatch(STACK_LINE);
    expect(piped.stderr).not.toContain('EPIPE');
    expect(piped.stdout.split('\n').filter((l) => l !== '')).toHaveLength(1);
    // bash reports the CLI's own exit code.
    expect(piped.status).toBe(0);
  });
});

describe('wsfleet schema', () => {
  let schema: Record<string, unknown> & { properties: Record<string, { properties?: Record<string, { properties?: Record<string, { enum?: string[] }> }> }> };
  let text: string;
  beforeAll(() => {
    const r = wsfleet(['schema']);
    expect(r.status, r.stderr).toBe(0);
    text = r.stdout;
    schema = JSON.parse(text) as typeof schema;
  });

  it('prints a JSON Schema whose properties include fleet, clients and balancer', () => {
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['fleet', 'clients', 'balancer']));
  });

  it('enumerates the server profiles of models/, node-ws-tls among them', () => {
    const profiles = schema.properties.fleet?.properties?.server?.properties?.profile?.enum;
    expect(profiles).toContain('node-ws-tls');
    expect(profiles).toContain('node-ws-plain');
  });

  it('accepts the bundled experiments and rejects one with servers: 0, like the loader', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    for (const file of experimentsOnDisk()) {
      const experiment = parse(readFileSync(join(repoRoot, file), 'utf8')) as { fleet: { servers: number } };
      expect(validate(experiment), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
      experiment.fleet.servers = 0;
      expect(validate(experiment)).toBe(false);
    }
  });

  const committed = join(repoRoot, 'schema', 'experiment.schema.json');
  it('equals the committed schema/experiment.schema.json', () => {
    expect(readFileSync(committed, 'utf8')).toBe(text);
  });
});

describe('wsfleet run --json on the flagship experiment', () => {
  const servers = 4;
  const durationMs = 30000;
  const sampleIntervalMs = 2000;
  let work: string;
  let out: string;
  let printed: { dir: string; summary: Record<string, number> };
  let charts: string[];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'wsfleet-commands-'));
    out = join(work, 'out');
    const r = wsfleet([
      'run',
      FLAGSHIP,
      '--set',
      `fleet.servers=${String(servers)}`,
      '--set',
      'clients.arrivals.ramp.clients=1000',
      '--set',
      'clients.arrivals.ramp.overMs=10000',
      '--set',
      `durationMs=${String(durationMs)}`,
      '--set',
      `sampleIntervalMs=${String(sampleIntervalMs)}`,
      '--set',
      'faults.0.crash.atMs=15000',
      '--set',
      'faults.0.crash.restartAfterMs=5000',
      '--out',
      out,
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    printed = JSON.parse(lines[0] as string) as typeof printed;
    charts = (parse(readFileSync(join(repoRoot, FLAGSHIP), 'utf8')) as { charts: string[] }).charts;
  }, 60_000);

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('prints {dir, summary} with the headline metrics as numbers', () => {
    expect(Object.keys(printed).sort()).toEqual(['dir', 'summary']);
    expect(printed.dir).toBe(out);
    const keys = [
      'clients.connected.final',
      'clients.connected.mean',
      'connect.attempts',
      'connect.succeeded',
      'connect.refused',
      'connect.failed',
      'connect.latencyMs.mean',
      'connect.latencyMs.p50',
      'connect.latencyMs.p99',
      'handshake.waitMs.mean',
      'servers.connections.imbalance',
      'availability',
      'events.processed',
    ];
    for (const key of keys) {
      expect(printed.summary, key).toHaveProperty([key]);
      expect(Number.isFinite(printed.summary[key]), key).toBe(true);
    }
  });

  it('prints a summary consistent with the run: every client arrived and connected, attempts add up', () => {
    const s = printed.summary;
    expect(s['clients.arrived']).toBe(1000);
    expect(s['connect.attempts']).toBeGreaterThanOrEqual(1000);
    expect(s['connect.succeeded']).toBeGreaterThan(0);
    expect((s['connect.succeeded'] ?? 0) + (s['connect.refused'] ?? 0) + (s['connect.failed'] ?? 0)).toBeLessThanOrEqual(s['connect.attempts'] ?? 0);
    expect(s.availability).toBeGreaterThan(0);
    expect(s.availability).toBeLessThanOrEqual(1);
    expect(s['connect.latencyMs.p50']).toBeLessThanOrEqual(s['connect.latencyMs.p99'] ?? 0);
  });

  it('writes the resolved experiment, time series, summaries and every chart the experiment lists', () => {
    const files = readdirSync(out);
    expect(files).toEqual(expect.arrayContaining(['experiment.resolved.yaml', 'timeseries.csv', 'summary.json', 'summary.csv', 'charts']));
    expect(charts.length).toBeGreaterThan(0);
    const chartFiles = readdirSync(join(out, 'charts'));
    for (const chart of charts) {
      expect(chartFiles).toEqual(expect.arrayContaining([`${chart}.vl.json`, `${chart}.svg`, `${chart}.png`]));
      const spec = JSON.parse(readFileSync(join(out, 'charts', `${chart}.vl.json`), 'utf8')) as { $schema?: string };
      expect(spec.$schema).toMatch(/vega-lite/);
      expect(readFileSync(join(out, 'charts', `${chart}.svg`), 'utf8')).toMatch(/^<svg[\s>]/);
      expect(readFileSync(join(out, 'charts', `${chart}.png`)).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    }
  });

  it('writes summary.json and summary.csv with the summary it printed', () => {
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toEqual(printed.summary);
    const rows = parseCsv(readFileSync(join(out, 'summary.csv'), 'utf8'));
    expect(rows[0]).toEqual(['metric', 'value']);
    const csv: Record<string, number> = Object.fromEntries(rows.slice(1).map(([k, v]): [string, number] => [k ?? '', Number(v)]));
    expect(Object.keys(csv)).toEqual(Object.keys(printed.summary));
    // A metric without a value (an alert that never fired) is null in JSON and NaN in CSV.
    for (const [k, v] of Object.entries(printed.summary as Record<string, number | null>)) {
      if (v === null) expect(csv[k], k).toBeNaN();
      else expect(csv[k], k).toBeCloseTo(v, 6);
    }
  });

  it('writes one time-series row per sample interval, with a connections column per server', () => {
    const rows = parseCsv(readFileSync(join(out, 'timeseries.csv'), 'utf8'));
    const [header, ...data] = rows as [string[], ...string[][]];
    expect(header[0]).toBe('timeMs');
    expect(data).toHaveLength(durationMs / sampleIntervalMs);
    expect(data.map((r) => Number(r[0]))).toEqual(Array.from({ length: durationMs / sampleIntervalMs }, (_, k) => (k + 1) * sampleIntervalMs));
    const perServer = header.filter((c) => /^server\.\d+\.connections$/.test(c));
    expect(perServer).toEqual(Array.from({ length: servers }, (_, k) => `server.${String(k)}.connections`));
    for (const row of data) expect(row).toHaveLength(header.length);
  });
});

describe('wsfleet explain and new', () => {
  it('explain prints the resolved experiment with the sources of the profiles it uses', () => {
    const r = wsfleet(['explain', 'experiments/reconnect-storm.yaml', '--set', 'fleet.servers=20']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('#   node-ws-tls:');
    expect(r.stdout).toContain('servers: 20');
    expect(r.stdout).toContain('healthCheck:');
  });

  it('new writes an experiment that validates and runs, and refuses to overwrite it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsfleet-new-'));
    expect(wsfleet(['new', 'my-question', '--dir', dir]).status).toBe(0);
    const run = wsfleet(['run', join(dir, 'my-question.yaml'), '--out', join(dir, 'out'), '--quiet', '--set', 'durationMs=30000']);
    expect(run.status).toBe(0);
    expect(existsSync(join(dir, 'out', 'summary.json'))).toBe(true);
    const again = wsfleet(['new', 'my-question', '--dir', dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already exists');
    rmSync(dir, { recursive: true, force: true });
  });
});
