/**
 * The analytic estimate on the library's live-score plan, bound by bound, from the textbook
 * formulas written out here: a million fans on caps of 75,000, one message a second to all.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadExperiment, parseSlos } from '../../src/experiment/index.js';
import { planTheory } from '../../src/experiment/plan-theory.js';

const file = fileURLToPath(new URL('../../experiments/plan-live-score.yaml', import.meta.url));

describe('theory for a million fans of one channel', () => {
  const loaded = loadExperiment(file);
  if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join('\n'));
  const e = loaded.experiment;
  const spec = e.plan;
  if (spec === undefined) throw new Error('expected a plan');
  const theory = planTheory(e, spec, parseSlos(spec), [{ kind: 'none' }, { kind: 'n+1' }]);
  const bound = (prefix: string): number | undefined => theory.bounds.find((b) => b.reason.startsWith(prefix))?.value;

  it('counts connections over the caps and adds one server for N+1', () => {
    expect(bound('connections')).toBe(Math.ceil(1_000_000 / 75_000));
    expect(bound('N+1')).toBe(15);
    expect(theory.value).toBe(15);
  });

  it('sizes fan-out by Pollaczek–Khinchine: the smallest fleet whose batch plus mean M/D/1 wait is within 1 s', () => {
    // S = 1,000,000 / n × 0.006 ms; λ = 1 message/s; Wq = ρS / 2(1 − ρ).
    const latency = (n: number): number => {
      const s = (1_000_000 / n) * 0.006;
      const rho = 0.001 * s;
      return rho >= 1 ? Infinity : s + (rho * s) / (2 * (1 - rho));
    };
    const expected = Array.from({ length: 40 }, (_, k) => k + 1).find((n) => latency(n) <= 1000);
    expect(bound('fan-out')).toBe(expected);
    expect(expected).toBe(11);
  });

  it('lists its reasons largest first', () => {
    const values = theory.bounds.map((b) => b.value);
    expect(values).toEqual([...values].sort((a, b) => b - a));
  });
});
