import { describe, expect, it } from 'vitest';
import { autoscaleDecision, meanOf, scaleInPicks, scaleOutPicks } from '../../src/strategies/index.js';

const rule = { target: 100, min: 2, max: 6, cooldownMs: 10_000 };
const view = { active: 2, running: 2, mean: 100, nowMs: 60_000, lastScaleMs: -Infinity };

describe('the autoscaler rule both worlds decide with (HPA: ceil(running × mean / target) within [min, max])', () => {
  it('at the target it holds', () => {
    expect(autoscaleDecision(rule, view)).toEqual({ kind: 'hold' });
  });

  it('above the target it adds the difference at once, up to max', () => {
    // 2 × 250 / 100 = 5 wanted: 3 more.
    expect(autoscaleDecision(rule, { ...view, mean: 250 })).toEqual({ kind: 'out', count: 3 });
    // 2 × 101 / 100 rounds up to 3.
    expect(autoscaleDecision(rule, { ...view, mean: 101 })).toEqual({ kind: 'out', count: 1 });
    expect(autoscaleDecision(rule, { ...view, mean: 10_000 })).toEqual({ kind: 'out', count: 4 });
  });

  it('servers still provisioning count as active but not in the mean', () => {
    // 3 active, 2 running at 150: wanted 3, nothing more.
    expect(autoscaleDecision(rule, { ...view, active: 3, mean: 150 })).toEqual({ kind: 'hold' });
  });

  it('below the target it removes the difference, down to min, only after the cooldown', () => {
    const low = { ...view, active: 5, running: 5, mean: 30 };
    expect(autoscaleDecision(rule, { ...low, lastScaleMs: 55_000 })).toEqual({ kind: 'hold' });
    expect(autoscaleDecision(rule, { ...low, lastScaleMs: 50_000 })).toEqual({ kind: 'in', count: 3 });
    expect(autoscaleDecision(rule, { ...low, mean: 0 })).toEqual({ kind: 'in', count: 3 });
  });

  it('a mean over no server is 0; picks are the lowest spares and the newest running servers', () => {
    expect(meanOf([])).toBe(0);
    expect(meanOf([1, 2, 6])).toBe(3);
    expect(scaleOutPicks([5, 2, 4], 2)).toEqual([2, 4]);
    expect(scaleInPicks([0, 3, 1, 2], 2)).toEqual([3, 2]);
  });
});
