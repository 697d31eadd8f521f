import { describe, expect, it } from 'vitest';
import { formatIssues, parseExperiment, runExperiment, toRealConfig } from '../../src/experiment/index.js';

/**
 * 3,000 clients arrive over 10 s and stay; each server closes a connection `age` after it opened
 * and the client reconnects by full jitter with a 1 s base (first retry U[0, 1 s)).
 */
const yaml = (age: string, durationMs = 565_000, arrivalOverMs = 10_000): string => `
name: connection-age
question: what does a maximum connection age do to a steady fleet?
seed: 11
durationMs: ${String(durationMs)}
fleet: { servers: 3, server: { profile: node-ws-plain, maxConnectionAgeMs: ${age} } }
clients:
  arrivals: { ramp: { clients: 3000, overMs: ${String(arrivalOverMs)} } }
  sessionMs: forever
  reconnect: { full-jitter: { baseMs: 1000, capMs: 30000 } }
`;

function run(age: string, durationMs?: number, arrivalOverMs?: number) {
  const loaded = parseExperiment(yaml(age, durationMs, arrivalOverMs));
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  return runExperiment(loaded.experiment);
}

/** The most connect attempts started in one sample interval after `fromMs`. */
function peakAttemptsAfter(r: ReturnType<typeof run>, fromMs: number): number {
  const { columns, rows } = r.timeseries;
  const t = columns.indexOf('timeMs');
  const a = columns.indexOf('connect.attempts');
  return rows.filter((row) => (row[t] as number) > fromMs).reduce((m, row) => Math.max(m, row[a] as number), 0);
}

describe('server.maxConnectionAgeMs', () => {
  it('recycles every connection once per age and every client comes back', () => {
    // A cycle is the 60 s age plus a reconnect: U[0, 1 s) of backoff, a round trip and a
    // handshake, well under 1.3 s. A client that connects at t0 ≤ 10.2 s is recycled at
    // t0 + 60 k + (k − 1) gaps: the ninth by 10.2 + 540 + 8 × 1.3 < 565 s, the tenth not before
    // 600 s. So each of the 3,000 is recycled exactly nine times.
    const r = run('60000');
    expect(r.summary['connections.recycled']).toBe(27_000);
    expect(r.summary['connections.dropped']).toBe(27_000);
    expect(r.summary['connect.attempts']).toBe(30_000);
    expect(r.summary['clients.connected.final']).toBe(3000);
    // Renewal theory: connected a share 60 / (60 + mean gap) of the time after the ramp; the mean gap
    // is about 0.5 s of backoff plus a round trip, so availability is between 0.985 and 0.995.
    expect(r.summary.availability).toBeGreaterThan(0.985);
    expect(r.summary.availability).toBeLessThan(0.995);
  });

  it('with jitter spreads the reconnects: a herd that arrived together does not come back together', () => {
    // The clients arrive within one second; with one fixed age they are all recycled within it again.
    const fixed = run('60000', 200_000, 1000);
    const spread = run('{ uniform: { minMs: 30000, maxMs: 90000 } }', 200_000, 1000);
    expect(fixed.summary['connections.recycled']).toBeGreaterThanOrEqual(3 * 3000);
    expect(spread.summary['connections.recycled']).toBeGreaterThan(2 * 3000);
    // The most connect attempts started in one 1 s sample after the arrival: with a fixed age the
    // whole herd (3,000) lands in a sample or two; spread over a minute, about 50 a second (the
    // measured peaks are about 1,970 and 90).
    const fixedPeak = peakAttemptsAfter(fixed, 30_000);
    expect(fixedPeak).toBeGreaterThanOrEqual(1500);
    expect(peakAttemptsAfter(spread, 30_000)).toBeLessThan(fixedPeak / 4);
  });

  it('is drawn from its own stream: without it the run is the same draw for draw', () => {
    const never = run('never', 120_000);
    const ageless = parseExperiment(yaml('never', 120_000).replace(', maxConnectionAgeMs: never', ''));
    if (!ageless.ok) throw new Error(formatIssues(ageless.issues));
    expect(runExperiment(ageless.experiment).summary).toEqual(never.summary);
    expect(never.summary['connections.recycled']).toBe(0);
  });

  it('goes to real mode as every server’s distribution (test/real/connection-age.test.ts runs it)', () => {
    const loaded = parseExperiment(yaml('{ uniform: { minMs: 50000, maxMs: 70000 } }', 60_000));
    if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
    const real = toRealConfig(loaded.experiment, 'age.yaml');
    if (!real.ok) throw new Error(formatIssues(real.issues));
    expect(real.config.servers.map((s) => s.maxConnectionAgeMs)).toEqual(Array.from({ length: 3 }, () => ({ kind: 'uniform', min: 50_000, max: 70_000 })));
  });

  it('is refused with a located message when it is not a duration', () => {
    const loaded = parseExperiment(yaml('-5'));
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(formatIssues(loaded.issues)).toMatch(/fleet\.server\.maxConnectionAgeMs/);
  });
});
