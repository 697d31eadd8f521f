import { describe, expect, it } from 'vitest';
import { RngStreams, randomInt } from '../../src/engine/rng.js';
import {
  admissions,
  shedders,
  type AdmissionDecision,
  type AdmissionName,
  type ShedderName,
} from '../../src/strategies/admission/index.js';
import { admissionExpectations, admissionFallback, shedderExpectations, shedderFallback } from './admission-expectations.js';
import {
  chiSquared,
  chiSquaredCritical,
  createAdmission,
  createShedder,
  randomConnections,
  randomView,
  refusalsOf,
  stressed,
  view,
  type Options,
} from './admission-fixtures.js';
import { describeAllOf, describeTokenBucket } from './admission-rules.js';
import { describeRetryHint } from './admission-retry.js';

const admissionNames = Object.keys(admissions) as AdmissionName[];
const shedderNames = Object.keys(shedders) as ShedderName[];

/** Decisions on 3000 random views at random increasing times, from a fresh policy and a seeded stream. */
function randomRun(name: AdmissionName, options: Options, seed: number): AdmissionDecision[] {
  const streams = new RngStreams(seed);
  const views = streams.stream('views');
  const rng = streams.stream('admission');
  const policy = createAdmission(name, options);
  let nowMs = 0;
  return Array.from({ length: 3000 }, () => policy.admit(randomView(views), (nowMs += randomInt(views, 5)), rng));
}

/** Whether a policy takes the shared retry-hint options. */
const hasRetryHint = (name: AdmissionName): boolean => admissions[name].options.safeParse({ retryAfterMs: null }).success;

describe.each(admissionNames)('admission %s', (name) => {
  const expected = admissionExpectations[name] ?? admissionFallback;
  const optionSets: readonly Options[] = [{}, ...expected.variants];
  const rule = expected.rule;

  it('can be named bare, reports its name, and rejects unknown options', () => {
    expect(createAdmission(name).name).toBe(name);
    expect(admissions[name].options.safeParse({ bogus: 1 }).success).toBe(false);
    expect(admissions[name].doc).toMatch(/^[^\n]{10,120}$/);
  });

  it.each(optionSets)('admits, or refuses with a reason and a finite hint ≥ 0 or null (options %o)', (options) => {
    for (const d of refusalsOf(randomRun(name, options, 1))) {
      expect(d.reason).toMatch(/^[a-z][a-z-]*$/);
      if (d.retryAfterMs !== null) expect(Number.isFinite(d.retryAfterMs) && d.retryAfterMs >= 0, `hint ${d.retryAfterMs}`).toBe(true);
    }
  });

  it.each(optionSets)('makes the same decisions for the same seed (options %o)', (options) => {
    expect(randomRun(name, options, 7)).toEqual(randomRun(name, options, 7));
  });

  if (rule.kind === 'never-refuses') it('never refuses, even over every limit', () => {
    expect(refusalsOf(randomRun(name, {}, 2))).toEqual([]);
    expect(createAdmission(name).admit(stressed, 0, new RngStreams(2).stream('a'))).toEqual({ kind: 'admit' });
  });

  if (rule.kind === 'threshold') it.each(optionSets)('admits just below its threshold and refuses at or above it (options %o)', (options) => {
    const rng = new RngStreams(3).stream('admission');
    const policy = createAdmission(name, options);
    const edge = rule.edge(admissions[name].options.parse(options) as Options);
    for (const patch of edge.below) {
      expect(policy.admit(view(patch), 0, rng).kind, `below ${JSON.stringify(patch)}`).toBe('admit');
      expect(policy.admit(view(patch, stressed), 0, rng).kind, `below, others over, ${JSON.stringify(patch)}`).toBe('admit');
    }
    for (const patch of edge.atOrAbove) {
      expect(policy.admit(view(patch), 0, rng), `at ${JSON.stringify(patch)}`).toMatchObject({ kind: 'refuse', reason: rule.reason });
    }
  });

  if (hasRetryHint(name) && expected.refusing !== undefined) describeRetryHint(name, expected.refusing);
  if (rule.kind === 'rate') describeTokenBucket(name);
  if (rule.kind === 'first-refusal') describeAllOf(name);
});

describe.each(shedderNames)('shedder %s', (name) => {
  const rule = shedderExpectations[name] ?? shedderFallback;
  const shed = (seed: number, n: number, count: number): number[] =>
    createShedder(name).select(randomConnections(new RngStreams(seed).stream('list'), n), count, 0, new RngStreams(seed).stream('shed'));

  it('can be named bare and reports its name', () => {
    expect(createShedder(name).name).toBe(name);
    expect(shedders[name].options.safeParse({ bogus: 1 }).success).toBe(false);
  });

  it('returns min(count, n) distinct ids from the input (none: no ids), leaving the frozen input as it was', () => {
    const rng = new RngStreams(1).stream('lists');
    const shedder = createShedder(name);
    for (let round = 0; round < 2000; round++) {
      const list = randomConnections(rng, randomInt(rng, 200));
      const count = randomInt(rng, 250);
      const before = JSON.stringify(list);
      const ids = shedder.select(list, count, round, rng);
      expect(JSON.stringify(list)).toBe(before);
      expect(ids.length).toBe(rule.kind === 'nothing' ? 0 : Math.min(count, list.length));
      expect(new Set(ids).size).toBe(ids.length);
      const known = new Set(list.map((c) => c.id));
      expect(ids.every((id) => known.has(id))).toBe(true);
    }
  });

  it('returns [] for count 0 or no connections, and rejects a negative or fractional count', () => {
    expect(shed(2, 50, 0)).toEqual([]);
    expect(shed(2, 0, 10)).toEqual([]);
    expect(() => shed(2, 50, -1)).toThrow(TypeError);
    expect(() => shed(2, 50, 1.5)).toThrow(TypeError);
  });

  it('makes the same selections for the same seed', () => {
    const run = (): number[][] => Array.from({ length: 200 }, (_, k) => shed(100 + k, 1 + (k % 40), k % 13));
    expect(run()).toEqual(run());
  });

  if (rule.kind === 'order') it('selects in its documented order, exact ties in input order', () => {
    const rng = new RngStreams(5).stream('lists');
    for (let round = 0; round < 2000; round++) {
      const list = randomConnections(rng, randomInt(rng, 300), 1 + randomInt(rng, 20));
      const count = randomInt(rng, 320);
      const expected = [...list].sort(rule.order).slice(0, count).map((c) => c.id);
      expect(createShedder(name).select(list, count, 0, rng)).toEqual(expected);
    }
  });

  if (rule.kind === 'uniform') it('selects every ordered triple of 8 equally often (chi-squared, 60,000 draws)', () => {
    const rng = new RngStreams(6).stream('shed');
    const list = randomConnections(new RngStreams(6).stream('list'), 8);
    const shedder = createShedder(name);
    const seen = new Map<string, number>();
    const draws = 60_000;
    for (let k = 0; k < draws; k++) {
      const key = shedder.select(list, 3, k, rng).join(',');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const cells = 8 * 7 * 6;
    expect(seen.size).toBe(cells);
    expect(chiSquared(seen.values(), draws / cells)).toBeLessThan(chiSquaredCritical(cells - 1));
  });
});
