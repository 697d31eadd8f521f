import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/index.js';
import { faultTarget, rollingRestartAtMs } from '../../src/strategies/index.js';

describe('fault schedules (sim faults, real faults)', () => {
  it('rolling restart: server k drains at atMs + k × (window + restart + pause)', () => {
    const spec = { atMs: 10_000, windowMs: 5000, restartAfterMs: 2000, pauseMs: 1000 };
    expect([0, 1, 2].map((k) => rollingRestartAtMs(spec, k))).toEqual([10_000, 18_000, 26_000]);
  });

  it('a named target draws nothing; a random one draws once, uniformly', () => {
    let draws = 0;
    const rng = { next: () => ((draws += 1), 0.74) };
    expect(faultTarget(2, 4, rng)).toBe(2);
    expect(draws).toBe(0);
    expect(faultTarget('random', 4, rng)).toBe(2);
    expect(draws).toBe(1);
  });

  it('random targets cover every server and stay in range', () => {
    const rng = new RngStreams(3).stream('faults');
    const seen = new Set<number>();
    for (let k = 0; k < 400; k++) seen.add(faultTarget('random', 5, rng));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});
