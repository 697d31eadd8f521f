import { describe, expect, it } from 'vitest';
import { RngStreams, type Rng } from '../../src/engine/rng.js';
import { admissions, type Admission, type AdmissionDecision } from '../../src/strategies/admission/index.js';
import { choiceOf } from '../../src/strategies/types.js';
import { createAdmission, quiet, randomView, refusalsOf, view } from './admission-fixtures.js';

// Cases for the rate-limit and combinator rules of the admission conformance suite.

/** How many of `calls` calls at `nowMs` are admitted. */
function admitsAt(policy: Admission, nowMs: number, calls: number, rng: Rng): number {
  let admitted = 0;
  for (let k = 0; k < calls; k++) if (policy.admit(quiet, nowMs, rng).kind === 'admit') admitted++;
  return admitted;
}

/** A handshake rate limit: burst at once, ratePerSec in the long run, refilled while idle up to burst. */
export function describeTokenBucket(name: string): void {
  describe('rate limit', () => {
    it('admits burst at once, then refuses with rate; burst defaults to ratePerSec', () => {
      const rng = new RngStreams(1).stream('admission');
      const policy = createAdmission(name, { ratePerSec: 100, burst: 50 });
      const decisions = Array.from({ length: 60 }, () => policy.admit(quiet, 0, rng));
      expect(decisions.filter((d) => d.kind === 'admit').length).toBe(50);
      expect(decisions.slice(50).every((d) => d.kind === 'refuse' && d.reason === 'rate')).toBe(true);
      expect(admitsAt(createAdmission(name, { ratePerSec: 20 }), 5, 100, rng)).toBe(20);
      expect(admitsAt(createAdmission(name), 5, 1000, rng)).toBe(500);
    });

    it.each([
      { options: {}, arrivals: 'even' },
      { options: { ratePerSec: 7.5, burst: 3 }, arrivals: 'even' },
      { options: { ratePerSec: 1e4, burst: 1 }, arrivals: 'even' },
      { options: { ratePerSec: 250, burst: 40 }, arrivals: 'poisson' },
    ])('admits ratePerSec per second over a long run at 4× that offered load, within 1 % ($options, $arrivals)', ({ options, arrivals }) => {
      const o = admissions[name as 'token-bucket'].options.parse(options);
      const burst = o.burst ?? o.ratePerSec;
      const rng = new RngStreams(2).stream('admission');
      const gaps = new RngStreams(2).stream('arrivals');
      const meanGapMs = 1000 / (4 * o.ratePerSec);
      const durationMs = (20_000 / o.ratePerSec) * 1000;
      const policy = createAdmission(name, options);
      let admitted = 0;
      for (let nowMs = 0; nowMs <= durationMs; nowMs += arrivals === 'even' ? meanGapMs : -Math.log(1 - gaps.next()) * meanGapMs) {
        if (policy.admit(quiet, nowMs, rng).kind === 'admit') admitted++;
      }
      const rate = ((admitted - burst) / durationMs) * 1000;
      expect(Math.abs(rate / o.ratePerSec - 1), `admitted ${admitted} in ${durationMs} ms`).toBeLessThan(0.01);
    });

    it('refills while idle at ratePerSec, up to burst, and never from time running backwards', () => {
      const rng = new RngStreams(3).stream('admission');
      const policy = createAdmission(name, { ratePerSec: 100, burst: 50 });
      expect(admitsAt(policy, 1000, 100, rng)).toBe(50);
      expect(admitsAt(policy, 1100, 100, rng)).toBe(10);
      expect(admitsAt(policy, 900, 100, rng)).toBe(0);
      expect(admitsAt(policy, 61_100, 100, rng)).toBe(50);
      const fresh = createAdmission(name, { ratePerSec: 100, burst: 50 });
      expect(admitsAt(fresh, 1000, 1, rng)).toBe(1);
      expect(admitsAt(fresh, 900, 100, rng), 'a step back in time takes no tokens either').toBe(49);
    });
  });
}

/** A combinator: refuses exactly when one of its policies does, as the first of them that does. */
export function describeAllOf(name: string): void {
  describe('combination', () => {
    const specs = [
      { 'max-connections': { retryAfterMs: 1000 } },
      { 'cpu-threshold': { threshold: 0.7, retryAfterJitter: 0 } },
      'memory-threshold',
      { 'queue-length': { limit: 800, retryAfterMs: null } },
    ];

    it("refuses if any policy refuses, with the first refuser's reason and hint", () => {
      const views = new RngStreams(4).stream('views');
      const combined = createAdmission(name, { policies: specs });
      const parts = specs.map((spec) => {
        const { name: part, options } = choiceOf(spec);
        return createAdmission(part, options);
      });
      const [rngA, rngB] = [new RngStreams(4).stream('admission'), new RngStreams(4).stream('admission')];
      const reasons = new Set<string>();
      for (let k = 0; k < 20_000; k++) {
        const v = randomView(views);
        let first: AdmissionDecision = { kind: 'admit' };
        for (const part of parts) if ((first = part.admit(v, k, rngB)).kind === 'refuse') break;
        const got = combined.admit(v, k, rngA);
        expect(got).toEqual(first);
        if (got.kind === 'refuse') reasons.add(got.reason);
      }
      expect([...reasons].sort()).toEqual(['cpu', 'max-connections', 'memory', 'queue']);
    });

    it('admits everything with no policies, and by default guards connections, memory and queue', () => {
      const rng = new RngStreams(5).stream('admission');
      expect(createAdmission(name, { policies: [] }).admit(view({ cpuLoad: 1, connections: 1e9 }), 0, rng).kind).toBe('admit');
      const bare = createAdmission(name);
      expect(bare.admit(view({ cpuLoad: 1 }), 0, rng).kind).toBe('admit');
      expect(bare.admit(view({ connections: 1000 }), 0, rng)).toMatchObject({ reason: 'max-connections' });
      expect(bare.admit(view({ memoryBytes: 7.5e9 }), 0, rng)).toMatchObject({ reason: 'memory' });
      expect(bare.admit(view({ queuedWork: 1000 }), 0, rng)).toMatchObject({ reason: 'queue' });
    });

    it('validates nested specs by name and options, and nests', () => {
      const parse = (policies: unknown): boolean => admissions[name as 'all-of'].options.safeParse({ policies }).success;
      expect(parse(['nope'])).toBe(false);
      expect(parse([{ 'cpu-threshold': { threshold: 2 } }])).toBe(false);
      expect(parse([{ 'cpu-threshold': {}, 'queue-length': {} }])).toBe(false);
      const nested = createAdmission(name, { policies: ['accept-all', { 'all-of': { policies: ['cpu-threshold'] } }] });
      expect(nested.admit(view({ cpuLoad: 0.9 }), 0, new RngStreams(6).stream('a'))).toMatchObject({ kind: 'refuse', reason: 'cpu' });
    });

    it('does not ask policies after a refusal, so a token bucket placed last spends tokens only on admissions', () => {
      const rng = new RngStreams(7).stream('admission');
      const policy = createAdmission(name, { policies: ['cpu-threshold', { 'token-bucket': { ratePerSec: 1e-3, burst: 3 } }] });
      const busy = Array.from({ length: 100 }, (_, k) => policy.admit(view({ cpuLoad: 1 }), k, rng));
      expect(refusalsOf(busy).every((d) => d.reason === 'cpu')).toBe(true);
      const calm = Array.from({ length: 5 }, (_, k) => policy.admit(quiet, 100 + k, rng).kind);
      expect(calm).toEqual(['admit', 'admit', 'admit', 'refuse', 'refuse']);
    });
  });
}
