import { describe, expect, it } from 'vitest';
import { arrivalTimesMs, createArrivals, RngStreams, seededStream, streamKey, type ArrivalSpec } from '../../src/engine/index.js';

/** Arrivals as the sim schedules them: each drawn at the previous one's time, kept while before `untilMs`. */
function simSchedule(spec: ArrivalSpec, seed: number, untilMs: number): number[] {
  const process = createArrivals(spec, new RngStreams(seed).stream('arrivals'));
  const out: number[] = [];
  for (let atMs = process.next(0); atMs < untilMs; atMs = process.next(atMs)) out.push(atMs);
  return out;
}

describe('arrival times (sim fleet schedule, real config)', () => {
  const specs: ArrivalSpec[] = [
    { kind: 'ramp', clients: 50, startMs: 100, overMs: 3000 },
    { kind: 'poisson', ratePerSec: 20, startMs: 0, stopMs: 4000 },
    { kind: 'poisson', ratePerSec: 20, startMs: 500, stopMs: Infinity },
  ];
  for (const spec of specs) {
    it(`${spec.kind}: the real config's times are the sim's, from the same stream key`, () => {
      const times = arrivalTimesMs(spec, seededStream(streamKey(7, 'arrivals')), 5000);
      expect(times).toEqual(simSchedule(spec, 7, 5000));
      expect(times.length).toBeGreaterThan(10);
      expect(times.every((t, k) => k === 0 || t >= (times[k - 1] as number))).toBe(true);
    });
  }

  it('stops one past the limit, so a caller can tell there are too many', () => {
    const times = arrivalTimesMs({ kind: 'ramp', clients: 100, startMs: 0, overMs: 1000 }, seededStream('x'), 5000, 10);
    expect(times).toHaveLength(11);
  });

  it('a ramp places exactly its clients inside its window', () => {
    const times = arrivalTimesMs({ kind: 'ramp', clients: 40, startMs: 200, overMs: 800 }, seededStream('y'), Infinity);
    expect(times).toHaveLength(40);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...times)).toBeLessThanOrEqual(1000);
  });
});

describe('stream keys: one format for every world', () => {
  it('streamKey(seed, …path) draws what RngStreams forks and streams draw', () => {
    const sim = new RngStreams(42).fork('balancer').fork('1').stream('pick');
    const real = seededStream(streamKey(42, 'balancer', '1', 'pick'));
    for (let k = 0; k < 20; k++) expect(real.next()).toBe(sim.next());
    expect(streamKey(42, 'balancer', '1', 'pick')).toBe('42/balancer/1/pick');
    expect(streamKey(3, 'backoff')).toBe('3/backoff');
  });
});
