import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ExperimentRun,
  formatIssues,
  loadExperiment,
  modelsDir,
  parseExperimentText,
  PROFILE_KINDS,
  runExperiment,
  textProfileStore,
} from '../../src/experiment/index.js';

/** models/ as a bundler hands it to the playground: `<kind>/<name>` → text. */
function bundledModels(): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const kind of PROFILE_KINDS) {
    for (const file of readdirSync(join(modelsDir(), kind)).filter((f) => f.endsWith('.yaml'))) {
      texts[`${kind}/${file.slice(0, -5)}`] = readFileSync(join(modelsDir(), kind, file), 'utf8');
    }
  }
  return texts;
}

const store = textProfileStore(bundledModels());
const library = readdirSync('experiments').filter((f) => f.endsWith('.yaml'));

describe('experiments read from text with bundled profiles (the playground path)', () => {
  it.each(library)('%s validates to the same experiment as the file', (file) => {
    const fromFile = loadExperiment(join('experiments', file));
    const fromText = parseExperimentText({ yaml: readFileSync(join('experiments', file), 'utf8'), name: file }, store);
    expect(fromFile.ok && fromText.ok).toBe(true);
    if (!fromFile.ok || !fromText.ok) return;
    expect(fromText.experiment).toEqual(fromFile.experiment);
  });

  it('reports an unknown profile with the names the store holds, located in the text', () => {
    const yaml = readFileSync('experiments/reconnect-storm.yaml', 'utf8').replace('profile: node-ws-tls', 'profile: node-ws-tsl');
    const read = parseExperimentText({ yaml, name: 'reconnect-storm.yaml' }, store);
    expect(read.ok).toBe(false);
    if (read.ok) return;
    const text = formatIssues(read.issues);
    expect(text).toMatch(/reconnect-storm\.yaml:\d+/);
    expect(text).toContain("unknown servers profile 'node-ws-tsl'");
    expect(text).toContain('node-ws-tls');
  });

  it('noSweep drops the sweep block and keeps the values of the file', () => {
    const yaml = readFileSync('experiments/backoff-sweep.yaml', 'utf8');
    const swept = parseExperimentText({ yaml }, store);
    const once = parseExperimentText({ yaml }, store, { noSweep: true, sets: ['clients.reconnect.full-jitter.baseMs=250'] });
    expect(swept.ok && swept.experiment.sweep !== undefined).toBe(true);
    expect(once.ok).toBe(true);
    if (!once.ok) return;
    expect(once.experiment.sweep).toBeUndefined();
    expect(once.experiment.clients.reconnect).toMatchObject({ 'full-jitter': { baseMs: 250, capMs: 30000 } });
  });
});

describe('ExperimentRun (a run advanced in slices)', () => {
  it('gives byte for byte the result of runExperiment, however it is sliced', () => {
    const read = loadExperiment('experiments/monitoring-alerting.yaml', { scale: 0.02 });
    if (!read.ok) throw new Error(formatIssues(read.issues));
    const whole = JSON.stringify(runExperiment(read.experiment));
    const run = new ExperimentRun(read.experiment);
    const rows: number[] = [];
    for (let t = 777; run.sim.nowMs < read.experiment.durationMs; t += 7_777) {
      while (run.sim.advance(t, 5_000) === 'paused');
      rows.push(run.sim.timeseries.rows.length);
    }
    expect(rows.at(-1)).toBeGreaterThan(rows[0] ?? 0);
    expect(JSON.stringify(run.finish())).toBe(whole);
  });
});
