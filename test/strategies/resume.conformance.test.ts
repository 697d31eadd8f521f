import { describe, expect, it } from 'vitest';
import { ChannelHistory, resumes, type ResumeName } from '../../src/strategies/resume/index.js';
import { covered, createResume, randomScript, run, shortByAge, shortBySize, type Outcome, type Reconnect, type Script } from './resume-fixtures.js';

const names = Object.keys(resumes) as ResumeName[];

/** How many missed serials each strategy loses at a reconnect, from the reference model; undefined: laws only. */
const expectedLost: Partial<Record<ResumeName, (r: Reconnect) => number>> = {
  none: (r) => r.evicted + r.held,
  history: (r) => r.evicted,
  centrifugo: (r) => Math.max(r.evicted, r.evicted + r.held - 300),
  'socket-io-recovery': (r) => (r.awayMs <= 120_000 && r.evicted === 0 ? 0 : r.evicted + r.held),
};

const scripts: readonly [string, Script][] = [
  ['covered', covered],
  ['short by age', shortByAge],
  ['short by size', shortBySize],
  ...Array.from({ length: 25 }, (_, k): [string, Script] => [`random ${k}`, randomScript(100 + k)]),
];

/** The serials lost at each reconnect: a prefix of the missed ones. */
function lostSerials(outcome: Outcome): Set<number> {
  const lost = new Set<number>();
  for (const { lastSerial, decision } of outcome.decisions) {
    if (lastSerial !== null) for (let s = lastSerial + 1; s <= lastSerial + decision.lost; s++) lost.add(s);
  }
  return lost;
}

describe.each(names)('resume %s', (name) => {
  it('can be named bare, reports its name, and rejects unknown options', () => {
    expect(createResume(name).name).toBe(name);
    expect(resumes[name].options.safeParse({ bogus: 1 }).success).toBe(false);
    expect(resumes[name].doc).toMatch(/^[^\n]{10,120}$/);
  });

  it('starts a first subscription fresh, losing nothing', () => {
    const history = new ChannelHistory({ maxMessages: 10, ttlMs: 1000 });
    for (let t = 0; t < 5; t++) history.publish(t, 1);
    expect(createResume(name).onReconnect(null, history, 10, 0)).toEqual({ kind: 'fresh', fromSerial: 6, count: 0, lost: 0 });
  });

  it.each(scripts)('makes consistent decisions that only replay held messages (%s)', (_label, script) => {
    for (const r of run(createResume(name), script).decisions) {
      const { decision: d, lastSerial, latest } = r;
      expect(d.fromSerial + d.count).toBe(latest + 1);
      expect(d.fromSerial).toBe((lastSerial ?? latest) + 1 + d.lost);
      expect(d.count).toBeLessThanOrEqual(r.held);
      expect(d.lost).toBeGreaterThanOrEqual(r.evicted);
      if (d.kind === 'replay') expect(d.lost).toBe(0);
      if (d.kind === 'fresh') expect(d.count).toBe(0);
      if (d.kind === 'gap') expect(d.lost).toBeGreaterThan(0);
    }
  });

  it.each(scripts)('conserves serials: each is delivered once, lost, or in flight; duplicates dropped (%s)', (_label, script) => {
    const outcome = run(createResume(name), script);
    const { counts, appSerials } = outcome;
    expect(counts.delivered + counts.lost + outcome.inFlight).toBe(outcome.published - outcome.start);
    expect(counts.delivered).toBe(appSerials.length);
    expect(appSerials.every((s, k) => k === 0 || s > (appSerials[k - 1] as number))).toBe(true);
    expect(counts.outOfOrder).toBe(0);
    const lost = lostSerials(outcome);
    expect(lost.size).toBe(counts.lost);
    const delivered = new Set(appSerials);
    const last = outcome.published - outcome.inFlight;
    const both: number[] = [];
    const neither: number[] = [];
    for (let s = outcome.start + 1; s <= last; s++) {
      if (delivered.has(s) && lost.has(s)) both.push(s);
      else if (!delivered.has(s) && !lost.has(s)) neither.push(s);
    }
    expect({ both, neither }).toEqual({ both: [], neither: [] });
    if (script.duplicateShare > 0 && appSerials.length > 100) expect(counts.duplicates).toBeGreaterThan(0);
  });

  const expected = expectedLost[name];
  if (expected !== undefined) it.each(scripts)('loses exactly what its rule says at each reconnect (%s)', (_label, script) => {
    for (const r of run(createResume(name), script).decisions) {
      if (r.lastSerial !== null) expect(r.decision.lost, JSON.stringify(r)).toBe(expected(r));
    }
  });

  it('decides the same for the same script', () => {
    const a = run(createResume(name), randomScript(7));
    const b = run(createResume(name), randomScript(7));
    expect(a.decisions).toEqual(b.decisions);
    expect(a.counts).toEqual(b.counts);
  });
});

describe('resume with a history longer than every outage', () => {
  it.each(names.filter((n) => n !== 'none'))('%s loses nothing and delivers every serial exactly once', (name) => {
    const outcome = run(createResume(name), covered);
    expect(outcome.counts.lost).toBe(0);
    expect(outcome.missed.size).toBeGreaterThan(400);
    expect(outcome.counts.duplicates).toBeGreaterThan(0);
    expect(outcome.appSerials).toEqual(Array.from({ length: outcome.appSerials.length }, (_, k) => outcome.start + 1 + k));
  });

  it('none loses every missed serial', () => {
    const outcome = run(createResume('none'), covered);
    expect(lostSerials(outcome)).toEqual(outcome.missed);
  });
});

describe('resume with a history shorter than the outages', () => {
  it.each([
    ['by age', shortByAge],
    ['by size', shortBySize],
  ] as const)('history loses exactly the evicted serials (%s)', (_label, script) => {
    const outcome = run(createResume('history'), script);
    expect(outcome.evicted.size).toBeGreaterThan(100);
    expect(lostSerials(outcome)).toEqual(outcome.evicted);
    expect(outcome.counts.lost).toBe(outcome.evicted.size);
  });
});

describe('resume ordering', () => {
  it.each(names)('%s buffers live messages during a replay by default', (name) => {
    expect(createResume(name).ordering).toBe('buffer');
  });

  it.each(['centrifugo', 'socket-io-recovery', 'none'] as const)('%s takes no ordering option (its server buffers, or it replays nothing)', (name) => {
    expect(resumes[name].options.safeParse({ ordering: 'none' }).success).toBe(false);
  });

  it('history takes ordering none, and rejects anything but buffer or none', () => {
    expect(createResume('history', { ordering: 'none' }).ordering).toBe('none');
    expect(resumes.history.options.safeParse({ ordering: 'merge' }).success).toBe(false);
  });

  it.each(scripts)('ordering changes what is written when, never the decision (%s)', (_label, script) => {
    const buffer = run(createResume('history'), script);
    const none = run(createResume('history', { ordering: 'none' }), script);
    expect(none.decisions).toEqual(buffer.decisions);
  });

  const slowFetch: Script = { ...covered, fetchMs: 250, duplicateShare: 0 };

  it('none: live messages sent during the fetch overtake the replay; each overtaken serial arrives late, nothing lost', () => {
    const buffer = run(createResume('history'), slowFetch);
    const none = run(createResume('history', { ordering: 'none' }), slowFetch);
    expect(buffer.counts.outOfOrder).toBe(0);
    expect(none.counts.lost).toBe(0);
    expect(none.counts.delivered).toBe(buffer.counts.delivered);
    expect([...none.appSerials].sort((a, b) => a - b)).toEqual(buffer.appSerials);
    // Received after a later serial: every replayed serial of a reconnect that a live message overtook.
    let late = 0;
    let max = 0;
    for (const s of none.appSerials) {
      if (s < max) late++;
      max = Math.max(max, s);
    }
    expect(late).toBeGreaterThan(300);
    // The first live message past each replayed run is counted too (it arrived past a hole).
    expect(none.counts.outOfOrder).toBe(late + 4);
  });

  it.each(scripts)('none conserves serials: each is delivered once, lost, or in flight (%s)', (_label, script) => {
    const outcome = run(createResume('history', { ordering: 'none' }), { ...script, fetchMs: 3 * script.latencyMs + 50 });
    const { counts, appSerials } = outcome;
    expect(counts.delivered + counts.lost + outcome.inFlight).toBe(outcome.published - outcome.start);
    expect(new Set(appSerials).size).toBe(appSerials.length);
    expect(counts.delivered).toBe(appSerials.length);
  });
});
