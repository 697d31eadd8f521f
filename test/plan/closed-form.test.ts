/**
 * Plans whose answer theory knows: the search must find it by simulation, never by reading the
 * estimate (the first probe is moved off the answer to show it), and an exhaustive search over the
 * same space must agree with the bisection.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runPlan, type RunPlanResult } from '../../src/experiment/index.js';
import { erlangB, mmcMeanWait } from '../../src/metrics/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}.yaml`, import.meta.url));

function ok(r: RunPlanResult): Extract<RunPlanResult, { ok: true }> {
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.source} ${i.path.join('.')}: ${i.message}`).join('\n'));
  return r;
}

describe('a plan for a connection cap, against Erlang B', () => {
  it('finds the smallest cap whose blocking stays under the bound (15 at 10 erlangs, bound 0.046)', async () => {
    // The closed form, independently of the plan's theory module.
    expect(erlangB(14, 10)).toBeGreaterThan(0.046);
    expect(erlangB(15, 10)).toBeLessThan(0.046);
    const { result } = ok(await runPlan({ file: fixture('erlang-b-cap') }));
    expect(result.answer?.value).toBe(15);
    expect(result.theory.configs[0]?.value).toBe(15);
    // The answer was simulated: a passing trial at 15 and a failing one at 14.
    expect(result.trials.find((t) => t.value === 15)?.verdict).toBe('pass');
    expect(result.trials.find((t) => t.value === 14)?.verdict).toBe('fail');
    expect(result.nextCheaper).toMatchObject({ value: 14, metric: 'connect.refused / connect.attempts', bound: 0.046 });
    expect(result.nextCheaper?.mean).toBeGreaterThan(0.05);
    expect(result.nextCheaper?.mean).toBeLessThan(0.065);
  });

  it('agrees with an exhaustive search over caps 10 to 18 judged the same way', async () => {
    const exhaustive: number[] = [];
    for (let cap = 10; cap <= 18; cap++) {
      const { result } = ok(await runPlan({ file: fixture('erlang-b-cap') }, { sets: [`plan.search.min=${String(cap)}`, `plan.search.max=${String(cap)}`] }));
      if (result.answer !== null) exhaustive.push(cap);
    }
    const { result } = ok(await runPlan({ file: fixture('erlang-b-cap') }, { sets: ['plan.search.min=10', 'plan.search.max=18'] }));
    expect(result.answer?.value).toBe(Math.min(...exhaustive));
    // Monotone as theory says: every cap from the answer up passes.
    expect(exhaustive).toEqual(Array.from({ length: 18 - 15 + 1 }, (_, k) => 15 + k));
  });
});

describe('a plan for cores, against the M/M/c mean wait', () => {
  it('finds the smallest core count whose mean handshake wait stays under 0.5 ms (4 cores at 2.7 erlangs)', async () => {
    expect(mmcMeanWait(3, 2.7, 1)).toBeGreaterThan(0.5);
    expect(mmcMeanWait(4, 2.7, 1)).toBeLessThan(0.5);
    const { result } = ok(await runPlan({ file: fixture('mmc-cores') }));
    expect(result.answer?.value).toBe(4);
    const at = (c: number) => result.trials.find((t) => t.value === c);
    expect(at(3)?.verdict).toBe('fail');
    // The simulated mean wait at the answer is the M/M/c one within the interval's precision.
    const wait = at(4)?.slos[0];
    expect(Math.abs((wait?.mean ?? 0) - mmcMeanWait(4, 2.7, 1))).toBeLessThan(0.05);
  });

  it('finds the same answer by plain bisection from the top, without theory’s first probe', async () => {
    const { result } = ok(await runPlan({ file: fixture('mmc-cores') }, { sets: ['plan.search.max=16', 'plan.search.start=top'] }));
    expect(result.answer?.value).toBe(4);
    expect(result.trials[0]?.value).toBe(16);
    expect(result.trials.map((t) => t.value)).not.toContain(undefined);
    expect(result.trials.length).toBeGreaterThan(2);
  });
});

describe('a plan judges any experiment faults as one scenario', () => {
  it('finds the M/M/c answer under handshakes made 1.5 times as costly (6 cores: 0.91 ms at 5, 0.23 ms at 6)', async () => {
    expect(mmcMeanWait(5, 2.7, 1 / 1.5)).toBeGreaterThan(0.5);
    expect(mmcMeanWait(6, 2.7, 1 / 1.5)).toBeLessThan(0.5);
    const sets = ['plan.search.max=12', "plan.faults=[none, { faults: { label: 'slow handshakes', list: [{ slowdown: { atMs: 0, durationMs: 20000, factor: 1.5 } }] } }]"];
    const { result } = ok(await runPlan({ file: fixture('mmc-cores') }, { sets }));
    expect(result.faults.map((f) => f.label)).toEqual(['no fault', 'slow handshakes']);
    expect(result.answer?.value).toBe(6);
    const at5 = result.trials.find((t) => t.value === 5 && t.fault === 1);
    expect(at5?.verdict).toBe('fail');
    expect(result.nextCheaper).toMatchObject({ value: 5, fault: 1 });
  });
});

describe('a plan is deterministic', () => {
  it('gives the same plan, byte for byte, run twice (worker threads: test/cli/plan.test.ts)', async () => {
    const one = ok(await runPlan({ file: fixture('mmc-cores') }, { sets: ['durationMs=5000'] }));
    const again = ok(await runPlan({ file: fixture('mmc-cores') }, { sets: ['durationMs=5000'] }));
    expect(JSON.stringify(again.result)).toBe(JSON.stringify(one.result));
    expect(again.chosenYaml).toBe(one.chosenYaml);
  });
});
