import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssues, loadExperiment } from '../../src/experiment/index.js';
import { repoRoot, STACK_LINE, wsfleet, type CliResult } from './cli.js';

/** A valid experiment; each case breaks one thing in it. */
const VALID = `name: tiny
question: does a tiny fleet start?
durationMs: 5000
fleet:
  servers: 2
  server:
    profile: node-ws-plain
clients:
  arrivals: { ramp: { clients: 10, overMs: 1000 } }
`;

/** Profile names of one kind in a models folder, sorted, as read from disk (models/<kind>/<name>.yaml). */
function profileNames(models: string, kind: string): string[] {
  return readdirSync(join(models, kind))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

const TOP_LEVEL_KEYS = ['name', 'question', 'seed', 'durationMs', 'sampleIntervalMs', 'fleet', 'balancer', 'heartbeat', 'clients', 'faults', 'charts'];

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wsfleet-bad-input-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface BadRun extends CliResult {
  file: string;
  /** A folder made for this run only; it must still be empty afterwards. */
  outParent: string;
  out: string;
  /** The `✖ …` lines of stderr, one per problem. */
  problems: string[];
}

/** Writes `yaml` (unless null: a missing file) and runs `wsfleet run FILE --out DIR …extra`. */
function runBad(name: string, yaml: string | null, extra: readonly string[] = []): BadRun {
  const file = join(work, `${name}.yaml`);
  if (yaml !== null) writeFileSync(file, yaml);
  const outParent = join(work, `${name}-results`);
  mkdirSync(outParent);
  const out = join(outParent, 'out');
  const r = wsfleet(['run', file, '--out', out, ...extra]);
  return { ...r, file, outParent, out, problems: r.stderr.split('\n').filter((l) => l.startsWith('✖')) };
}

/** Exit 2, a message on stderr only, no stack trace, and nothing written: not even a partial folder. */
function expectRejectedCleanly(r: BadRun): void {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim()).not.toBe('');
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(r.stderr).not.toContain('internal error');
  expect(existsSync(r.out)).toBe(false);
  expect(readdirSync(r.outParent)).toEqual([]);
}

/** `file:line:col` of the first occurrence of `token` in `text`, 1-based, as the CLI prints locations. */
function at(file: string, text: string, token: string): string {
  const lines = text.split('\n');
  const k = lines.findIndex((l) => l.includes(token));
  if (k < 0) throw new Error(`token ${token} not in test input`);
  return `${file}:${String(k + 1)}:${String((lines[k] as string).indexOf(token) + 1)}`;
}

describe('wsfleet run rejects a bad experiment file before doing any work', () => {
  it('reports a YAML syntax error with its line', () => {
    const yaml = 'name: tiny\nquestion: q\ndurationMs: 5000\nfleet:\n  servers: 2: 3\n';
    const r = runBad('yaml-syntax', yaml);
    expectRejectedCleanly(r);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(new RegExp(`^✖ ${escape(r.file)}:5:\\d+ invalid YAML: \\S`));
  });

  it('rejects a file whose top level is a list, not a map', () => {
    const r = runBad('top-list', '- name: tiny\n- durationMs: 5000\n');
    expectRejectedCleanly(r);
    expect(r.problems).toEqual([`✖ ${r.file} expected a map of experiment settings`]);
  });

  it('points at an unknown top-level key and lists the allowed keys', () => {
    const yaml = VALID + 'colour: red\n';
    const r = runBad('unknown-top', yaml);
    expectRejectedCleanly(r);
    expect(r.problems).toHaveLength(1);
    const line = r.problems[0] as string;
    expect(line).toContain(`✖ ${at(r.file, yaml, 'colour')} colour: unknown key 'colour'; expected one of: `);
    for (const key of TOP_LEVEL_KEYS) expect(line).toMatch(new RegExp(`[ ,]${escape(key)}(,|$)`));
  });

  it('points at an unknown nested key and lists the keys allowed at that level', () => {
    const yaml = VALID.replace('    profile: node-ws-plain\n', '    profile: node-ws-plain\n    corez: 2\n');
    const r = runBad('unknown-nested', yaml);
    expectRejectedCleanly(r);
    expect(r.problems).toHaveLength(1);
    const line = r.problems[0] as string;
    expect(line).toContain(`✖ ${at(r.file, yaml, 'corez')} fleet.server.corez: unknown key 'corez'; expected one of: `);
    const listed = line.slice(line.indexOf('expected one of: ') + 'expected one of: '.length).split(', ');
    expect(listed).toEqual(expect.arrayContaining(['profile', 'processes', 'coresPerProcess', 'maxConnections', 'fileDescriptors', 'memory', 'weight', 'handshakeCostMs']));
    expect(line).not.toContain('durationMs');
  });

  it('points at an unknown option of a strategy and lists that strategy’s options', () => {
    const yaml = VALID + 'heartbeat: { ping-pong: { intervalMs: 1000, timeotuMs: 5 } }\n';
    const r = runBad('unknown-strategy-option', yaml);
    expectRejectedCleanly(r);
    expect(r.problems).toEqual([
      `✖ ${at(r.file, yaml, 'timeotuMs')} heartbeat.ping-pong.timeotuMs: unknown key 'timeotuMs'; expected one of: intervalMs, timeoutMs`,
    ]);
  });

  it('says a number was expected and shows the string it got', () => {
    const yaml = VALID.replace('durationMs: 5000', 'durationMs: abc');
    const r = runBad('wrong-type', yaml);
    expectRejectedCleanly(r);
    expect(r.problems).toEqual([`✖ ${at(r.file, yaml, 'durationMs')} durationMs: expected a number, got 'abc'`]);
  });

  it('gives the bound a value is out of range of (servers: 0)', () => {
    const yaml = VALID.replace('servers: 2', 'servers: 0');
    const r = runBad('out-of-range', yaml);
    expectRejectedCleanly(r);
    expect(r.problems).toEqual([`✖ ${at(r.file, yaml, 'servers')} fleet.servers: expected a number >= 1, got 0`]);
  });

  it('names a missing required field', () => {
    const yaml = VALID.replace('question: does a tiny fleet start?\n', '');
    const r = runBad('missing-required', yaml);
    expectRejectedCleanly(r);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(new RegExp(`^✖ ${escape(r.file)}:\\d+:\\d+ question: required: expected a string$`));
  });

  it('lists the known profiles when a profile name is unknown', () => {
    const yaml = VALID.replace('profile: node-ws-plain', 'profile: node-ws-quic');
    const r = runBad('unknown-profile', yaml);
    expectRejectedCleanly(r);
    expect(r.problems).toEqual([
      `✖ ${at(r.file, yaml, 'profile: node-ws-quic')} fleet.server.profile: unknown servers profile 'node-ws-quic'; expected one of: ${profileNames(join(repoRoot, 'models'), 'servers').join(', ')}`,
    ]);
  });

  it('lists the registered balancers when a strategy name is unknown', () => {
    const yaml = VALID + 'balancer:\n  strategy: fastest\n';
    const r = runBad('unknown-strategy', yaml);
    expectRejectedCleanly(r);
    expect(r.problems).toHaveLength(1);
    const line = r.problems[0] as string;
    expect(line).toContain(`✖ ${at(r.file, yaml, 'strategy')} balancer.strategy: `);
    expect(line).toContain('round-robin');
    expect(line).toContain('least-connections');
    expect(line).toContain("got 'fastest'");
  });

  describe('a bad distribution', () => {
    const expo = VALID.replace('    profile: node-ws-plain\n', '    profile: node-ws-plain\n    handshakeCostMs: { expo: { meanMs: 1 } }\n');
    let r: BadRun;
    beforeAll(() => {
      r = runBad('distribution-unknown', expo);
    });

    it('names the unknown distribution and lists the known ones', () => {
      expectRejectedCleanly(r);
      const line = r.problems.find((l) => l.includes("unknown key 'expo'"));
      expect(line).toBeDefined();
      expect(line).toContain(`✖ ${at(r.file, expo, 'expo')} fleet.server.handshakeCostMs.expo: unknown key 'expo'; expected one of: `);
      for (const kind of ['constant', 'uniform', 'exponential', 'normal', 'lognormal', 'pareto', 'empirical']) expect(line).toContain(kind);
    });

    it('reports an unknown distribution name once, not also as a second "expected exactly one of" problem', () => {
      expect(r.problems).toHaveLength(1);
    });

    it('gives the full path of a bad distribution parameter (…exponential.meanMs)', () => {
      const yaml = VALID.replace('    profile: node-ws-plain\n', '    profile: node-ws-plain\n    handshakeCostMs: { exponential: { meanMs: -1 } }\n');
      const bad = runBad('distribution-parameter', yaml);
      expectRejectedCleanly(bad);
      expect(bad.problems).toEqual([
        `✖ ${at(bad.file, yaml, 'meanMs')} fleet.server.handshakeCostMs.exponential.meanMs: expected a number > 0, got -1`,
      ]);
    });
  });

  it('rejects a crash fault on a server index the fleet does not have', () => {
    const yaml = VALID + 'faults:\n  - crash: { server: 2, atMs: 1000 }\n';
    const r = runBad('crash-index', yaml);
    expectRejectedCleanly(r);
    expect(r.problems).toEqual([
      `✖ ${at(r.file, yaml, 'server: 2,')} faults[0].crash.server: expected a server index below the server count (2), got 2`,
    ]);
  });

  it('lists every problem of a file, one line each (3 problems → 3 lines)', () => {
    const yaml = VALID.replace('durationMs: 5000', 'durationMs: abc').replace('servers: 2', 'servers: 0') + 'colour: red\n';
    const r = runBad('three-problems', yaml);
    expectRejectedCleanly(r);
    expect(r.problems).toHaveLength(3);
    expect(r.problems).toContain(`✖ ${at(r.file, yaml, 'durationMs')} durationMs: expected a number, got 'abc'`);
    expect(r.problems).toContain(`✖ ${at(r.file, yaml, 'servers')} fleet.servers: expected a number >= 1, got 0`);
    expect(r.problems.some((l) => l.startsWith(`✖ ${at(r.file, yaml, 'colour')} colour: unknown key`))).toBe(true);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe('Nothing was run or written.');
  });

  it('lists a bad crash index together with a type error elsewhere in the file', () => {
    const yaml = VALID.replace('durationMs: 5000', 'durationMs: abc') + 'colour: red\nfaults:\n  - crash: { server: 5, atMs: 1000 }\n';
    const r = runBad('cross-field-with-type-error', yaml);
    expectRejectedCleanly(r);
    expect(r.problems.map((l) => l.split(' ')[2])).toEqual(expect.arrayContaining(['durationMs:', 'colour:', 'faults[0].crash.server:']));
    expect(r.problems).toHaveLength(3);
  });

  it('rejects a missing file', () => {
    const r = runBad('does-not-exist', null);
    expectRejectedCleanly(r);
    expect(r.problems).toEqual([`✖ ${r.file} cannot read: file not found`]);
  });
});

describe('wsfleet run rejects bad flags, naming the flag', () => {
  it('rejects a --set without "="', () => {
    const r = runBad('set-no-equals', VALID, ['--set', 'fleet.servers']);
    expectRejectedCleanly(r);
    expect(r.problems).toEqual(['✖ --set fleet.servers expected PATH=VALUE, e.g. fleet.servers=20']);
  });

  it('blames the --set flag, not the file, for a value of the wrong type', () => {
    const r = runBad('set-wrong-type', VALID, ['--set', 'fleet.servers=many']);
    expectRejectedCleanly(r);
    expect(r.problems).toEqual(["✖ --set fleet.servers=many fleet.servers: expected a number, got 'many'"]);
    expect(r.stderr).not.toContain(r.file);
  });

  it('rejects a --seed that is not an integer, naming the flag and the value', () => {
    const r = runBad('seed-abc', VALID, ['--seed', 'abc']);
    expectRejectedCleanly(r);
    expect(r.stderr).toContain("--seed <n>' argument 'abc' is invalid");
    expect(r.stderr).toContain('expected an integer from 0 to 4294967295');
  });
});

/** Loads `yaml` in-process; the CLI prints exactly `formatIssues` of these issues. */
function loadIssues(name: string, yaml: string): { file: string; text: string } {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, yaml);
  const loaded = loadExperiment(file);
  expect(loaded.ok).toBe(false);
  return { file, text: loaded.ok ? '' : formatIssues(loaded.issues) };
}

describe('more bad files, through the loader the CLI calls', () => {
  it('reports a duplicate key as a YAML error on its second occurrence', () => {
    const { file, text } = loadIssues('yaml-duplicate', VALID.replace('durationMs: 5000\n', 'durationMs: 5000\ndurationMs: 6000\n'));
    expect(text).toBe(`✖ ${file}:4:1 invalid YAML: Map keys must be unique`);
  });

  it('rejects an empty file as not a map', () => {
    const { file, text } = loadIssues('empty', '');
    expect(text).toBe(`✖ ${file} expected a map of experiment settings`);
  });
});

describe('errors that come from a profile file in models/', () => {
  let models: string;
  let experiment: string;
  beforeAll(() => {
    models = join(work, 'models');
    cpSync(join(repoRoot, 'models'), models, { recursive: true });
    writeFileSync(
      join(models, 'servers', 'broken.yaml'),
      'description: a server profile with bad numbers\nsources: [test]\nvalues:\n  processes: 0\n  maxConnections: lots\n',
    );
    writeFileSync(join(models, 'networks', 'unclosed.yaml'), 'description: unclosed\nsources: [test]\nvalues:\n  clientLatencyMs: [1\n');
    experiment = join(work, 'uses-profiles.yaml');
  });

  it('names the profile file and the line of each bad value in it', () => {
    writeFileSync(experiment, VALID.replace('profile: node-ws-plain', 'profile: broken'));
    const loaded = loadExperiment(experiment, { modelsDir: models });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const profile = join(models, 'servers', 'broken.yaml');
    expect(loaded.issues.map((i) => ({ file: resolve(i.source), line: i.line, path: i.path, message: i.message }))).toEqual([
      { file: profile, line: 4, path: ['values', 'processes'], message: 'expected a number >= 1, got 0' },
      { file: profile, line: 5, path: ['values', 'maxConnections'], message: "expected a number, got 'lots'" },
    ]);
    const text = formatIssues(loaded.issues);
    expect(text).toMatch(/broken\.yaml:4:3 values\.processes: expected a number >= 1, got 0/);
    expect(text).not.toContain(experiment);
  });

  it('names the profile file and line of a YAML syntax error in it', () => {
    writeFileSync(experiment, VALID.replace('clients:\n', '  network: { profile: unclosed }\nclients:\n'));
    const loaded = loadExperiment(experiment, { modelsDir: models });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.issues).toHaveLength(1);
    const issue = loaded.issues[0];
    expect(resolve(issue?.source ?? '')).toBe(join(models, 'networks', 'unclosed.yaml'));
    expect(issue?.line).toBeGreaterThanOrEqual(4);
    expect(issue?.message).toMatch(/^invalid YAML: /);
  });

  it('lists the profiles of the given models folder when a name is unknown', () => {
    writeFileSync(experiment, VALID.replace('profile: node-ws-plain', 'profile: nope'));
    const loaded = loadExperiment(experiment, { modelsDir: models });
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const known = profileNames(models, 'servers');
    expect(known).toContain('broken');
    expect(loaded.issues.map((i) => i.message)).toEqual([`unknown servers profile 'nope'; expected one of: ${known.join(', ')}`]);
    expect(loaded.issues[0]?.source).toBe(experiment);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('wsfleet run --out', () => {
  it('refuses to replace a folder that is not a wsfleet result folder, and leaves it untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsfleet-out-'));
    writeFileSync(join(dir, 'NOTES.md'), 'mine');
    const r = wsfleet(['run', join(repoRoot, 'experiments', 'reconnect-storm.yaml'), '--out', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not a wsfleet result folder');
    expect(readdirSync(dir)).toEqual(['NOTES.md']);
    rmSync(dir, { recursive: true, force: true });
  });
});
