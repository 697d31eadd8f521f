import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadExperiment, parseExperiment, readExperiment, replicationSeed, runSweep } from '../../src/experiment/index.js';

const TINY = `name: tiny
question: what do the defaults give?
durationMs: 5000
fleet:
  servers: 0
clients:
  arrivals: { ramp: { clients: 10, overMs: 1000 } }
`;

describe('experiments from text and objects', () => {
  it('YAML text gives the issues a file gives, with lines, under the name it is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsfleet-parse-'));
    try {
      const file = join(dir, 'tiny.yaml');
      writeFileSync(file, TINY);
      const fromFile = loadExperiment(file);
      const fromText = readExperiment({ yaml: TINY, name: 'tiny.yaml' });
      expect(fromFile.ok || fromText.ok).toBe(false);
      if (fromFile.ok || fromText.ok) return;
      expect(fromText.issues).toEqual(fromFile.issues.map((i) => ({ ...i, source: 'tiny.yaml' })));
      expect(fromText.issues[0]).toMatchObject({ line: 5, path: ['fleet', 'servers'], message: 'expected a number >= 1, got 0' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an object gives the same experiment as its YAML, and issues with paths but no lines', () => {
    const good = TINY.replace('servers: 0', 'servers: 2');
    const a = parseExperiment(good);
    const b = parseExperiment(parse(good) as Record<string, unknown>);
    expect(a.ok && b.ok && a.experiment).toEqual(b.ok && b.experiment);
    const bad = parseExperiment(parse(TINY) as Record<string, unknown>);
    expect(bad).toEqual({ ok: false, issues: [{ source: '<object>', path: ['fleet', 'servers'], message: 'expected a number >= 1, got 0' }] });
  });

  it('YAML syntax errors and non-maps are issues, not exceptions', () => {
    const broken = parseExperiment('name: [unclosed\n');
    expect(broken.ok).toBe(false);
    expect(parseExperiment('- a list\n')).toEqual({ ok: false, issues: [{ source: '<yaml>', path: [], message: 'expected a map of experiment settings' }] });
  });
});

describe('runSweep', () => {
  it('refuses an experiment without a sweep block with an issue', async () => {
    const r = await runSweep({ yaml: TINY.replace('servers: 0', 'servers: 2') });
    expect(r).toEqual({ ok: false, issues: [{ source: '<yaml>', path: ['sweep'], message: 'required: expected a sweep block (runExperiment runs a single experiment)' }] });
  });

  it('reports a bad grid value before running anything', async () => {
    const runs: number[] = [];
    const r = await runSweep(
      { yaml: `${TINY.replace('servers: 0', 'servers: 2')}sweep:\n  grid: { fleet.servers: [1, 0] }\n` },
      { onRun: (run) => runs.push(run.variant) },
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.issues.map((i) => [i.source, i.path.join('.')])).toEqual([["sweep.grid['fleet.servers'][1]", 'fleet.servers']]);
    expect(runs).toEqual([]);
  });

  // Worker threads run the built worker.js: test/library/readme-example.test.ts compares jobs 1 and 2 on the package.
  it('runs every variant × replication in this thread, replications with their own seeds', async () => {
    const yaml = `${TINY.replace('servers: 0', 'servers: 2')}sweep:\n  grid: { balancer.strategy: [round-robin, random] }\n  replications: 2\n`;
    const r = await runSweep({ yaml });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.sweep.runs.map((run) => [run.label, run.replication, run.seed])).toEqual([
      ['round-robin', 0, 1],
      ['round-robin', 1, replicationSeed(1, 1)],
      ['random', 0, 1],
      ['random', 1, replicationSeed(1, 1)],
    ]);
    expect(r.sweep.variants.map((v) => [v.label, v.metrics['clients.connected.final']])).toEqual([
      ['round-robin', { mean: 10, ci95: 0, n: 2 }],
      ['random', { mean: 10, ci95: 0, n: 2 }],
    ]);
  });
});
