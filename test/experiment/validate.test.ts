/** The sim-versus-real judgement over replications, as pure functions: known samples give known intervals and verdicts. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareMetric, compareReplications, formatIssues, intervalsOverlap, loadExperiment, parseExperiment, toRealConfig, toSimConfig, verdict, DEFAULT_TOLERANCE } from '../../src/experiment/index.js';
import { catalogueKeys } from '../../src/metrics/index.js';
import { chartNames } from '../../src/report/fleet-charts.js';

const ci = (mean: number, ci95: number, n = 3) => ({ mean, ci95, n });

describe('intervals and verdicts', () => {
  it('gives the Student t interval of each world and the relative error of the means', () => {
    // mean 2, sample sd 1, n 3: t(2) = 4.303, half-width 4.303 / √3.
    const c = compareMetric('m', [1, 2, 3], [4, 4, 4]);
    expect(c.sim.mean).toBe(2);
    expect(c.sim.ci95).toBeCloseTo(4.303 / Math.sqrt(3), 9);
    expect(c.real).toEqual({ mean: 4, ci95: 0, n: 3 });
    expect(c.relativeError).toBe(0.5);
    expect(c.n).toBe(3);
    // 4 − 2 = 2 ≤ 2.484 + 0: the intervals overlap, so the worlds agree although the means are 50 % apart.
    expect(c.verdict).toBe('agrees');
  });

  it('zero variance in both worlds: equal means agree, different means only within the tolerance', () => {
    expect(compareMetric('m', [5, 5, 5], [5, 5, 5])).toMatchObject({ sim: { ci95: 0 }, real: { ci95: 0 }, relativeError: 0, verdict: 'agrees' });
    expect(compareMetric('m', [105, 105], [100, 100])).toMatchObject({ relativeError: 0.05, verdict: 'agrees' });
    expect(compareMetric('m', [120, 120], [100, 100])).toMatchObject({ relativeError: 0.2, verdict: 'differs' });
    expect(compareMetric('m', [120, 120], [100, 100], 0.25).verdict).toBe('agrees');
  });

  it('one replication: the half-width is 0, so the rule falls back to the tolerance', () => {
    const c = compareMetric('m', [1], [2]);
    expect(c).toMatchObject({ sim: { mean: 1, ci95: 0, n: 1 }, real: { mean: 2, ci95: 0, n: 1 }, relativeError: 0.5, verdict: 'differs', n: 1 });
    expect(compareMetric('m', [1], [2], 0.5).verdict).toBe('agrees');
  });

  it('intervals that touch overlap; a hair further apart they do not', () => {
    expect(intervalsOverlap(ci(0, 1), ci(2, 1))).toBe(true);
    expect(intervalsOverlap(ci(0, 1), ci(2.001, 1))).toBe(false);
    expect(verdict(ci(0, 1), ci(2.001, 1))).toBe('differs');
    expect(verdict(ci(100, 1), ci(109, 1))).toBe('agrees');
    expect(DEFAULT_TOLERANCE).toBe(0.1);
  });

  it('a real mean of 0: 0 against 0 agrees, anything else is an infinite error unless the intervals overlap', () => {
    expect(compareMetric('m', [0, 0], [0, 0])).toMatchObject({ relativeError: 0, verdict: 'agrees' });
    expect(compareMetric('m', [2, 2], [0, 0])).toMatchObject({ relativeError: Infinity, verdict: 'differs' });
    expect(compareMetric('m', [0, 2], [0, 0])).toMatchObject({ relativeError: Infinity, verdict: 'agrees' });
  });

  it('a metric missing from any replication of either world is listed, not compared', () => {
    const { rows, missing } = compareReplications([{ a: 1, b: 1 }, { a: 3, b: 1 }], [{ a: 2, b: 1 }, { a: 2 }], ['a', 'b', 'c']);
    expect(rows.map((r) => r.metric)).toEqual(['a']);
    expect(rows[0]).toMatchObject({ sim: { mean: 2, n: 2 }, real: { mean: 2, ci95: 0, n: 2 }, relativeError: 0, verdict: 'agrees', n: 2 });
    expect(missing).toEqual(['b', 'c']);
  });
});

describe('the validate: section of an experiment', () => {
  const base = {
    name: 'v',
    question: 'does the section validate?',
    durationMs: 5000,
    fleet: { servers: 2, server: { profile: 'node-ws-plain' }, network: { profile: 'loopback' } },
    clients: { arrivals: { ramp: { clients: 10, overMs: 1000 } } },
  };

  it('names summary metrics and variants; neither world reads it', () => {
    const withSection = parseExperiment({ ...base, validate: { metrics: ['recovery.ms95', 'connect.latencyMs.p50'], variants: [{ name: 'history', set: ['seed=3'] }] } });
    const without = parseExperiment(base);
    expect(withSection.ok && without.ok).toBe(true);
    if (!withSection.ok || !without.ok) return;
    expect(withSection.experiment.validate?.variants[0]).toEqual({ name: 'history', set: ['seed=3'] });
    expect(toSimConfig(withSection.experiment)).toEqual(toSimConfig(without.experiment));
    expect(toRealConfig(withSection.experiment, 'v.yaml')).toEqual(toRealConfig(without.experiment, 'v.yaml'));
  });

  it('refuses a name that is no summary metric, and an empty list, with the path', () => {
    const r = parseExperiment({ ...base, validate: { metrics: ['recovery.ms95', 'recovery.ms96'], variants: [{ name: 'x', set: ['seed=3'], metrics: [] }] } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['validate', 'metrics', 1], message: "expected a summary metric (wsfleet list metrics), got 'recovery.ms96'" }),
        expect.objectContaining({ path: ['validate', 'variants', 0, 'metrics'] }),
      ]),
    );
  });
});

describe('the validation files', () => {
  const dir = join(import.meta.dirname, '..', '..', 'experiments', 'validation');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  const measured = new Set(catalogueKeys('real').filter((k) => catalogueKeys('sim').includes(k)));

  it.each(files)('%s names metrics both worlds measure, and each variant loads in both', (file) => {
    const base = loadExperiment(join(dir, file), { chartNames: chartNames() });
    if (!base.ok) throw new Error(formatIssues(base.issues));
    const spec = base.experiment.validate;
    expect(spec, 'wsfleet validate --all needs a validate: section').toBeDefined();
    for (const variant of [{ set: [] as string[], metrics: spec?.metrics }, ...(spec?.variants ?? [])]) {
      for (const m of variant.metrics ?? []) expect(measured.has(m), `${file}: ${m}`).toBe(true);
      const loaded = loadExperiment(join(dir, file), { chartNames: chartNames(), sets: variant.set });
      if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
      // On the stack the file names (validate.stack), as wsfleet validate runs it.
      const real = toRealConfig(loaded.experiment, file);
      expect(real.ok, real.ok ? '' : formatIssues(real.issues)).toBe(true);
      if (real.ok) expect(real.config.stack).toBe(spec?.stack);
    }
  });
});
