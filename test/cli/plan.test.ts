import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanResult } from '../../src/metrics/index.js';
import { repoRoot, STACK_LINE, wsfleet } from './cli.js';

const fixture = join(repoRoot, 'test', 'plan', 'fixtures', 'mmc-cores.yaml');
/** Short runs and two configurations (one or two processes), so shards have something to split. */
const quick = ['--set', 'durationMs=5000', '--set', 'plan.grid={fleet.server.processes: [1, 2]}'];

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wsfleet-plan-'));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const readPlan = (dir: string): PlanResult => JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as PlanResult;

describe('wsfleet plan', () => {
  it('writes the plan folder: the answer, every trial, charts, a report, and the chosen fleet that wsfleet run reproduces', () => {
    const out = join(work, 'one');
    const r = wsfleet(['plan', fixture, '--out', out, ...quick], 120_000);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^The cheapest fleet that meets 1 SLO under no fault with 95 % confidence is fleet\.server\.coresPerProcess = \d with fleet\.server\.processes=\d/);
    for (const f of ['plan.json', 'plan.csv', 'report.html', 'chosen.yaml', 'experiment.resolved.yaml']) expect(existsSync(join(out, f))).toBe(true);
    expect(readdirSync(join(out, 'charts')).some((f) => f.endsWith('.vl.json'))).toBe(true);
    const plan = readPlan(out);
    const answer = plan.answer;
    if (answer === null) throw new Error('expected an answer');
    expect(readFileSync(join(out, 'plan.csv'), 'utf8').trim().split('\n')).toHaveLength(plan.trials.length + 1);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(plan.sentence.slice(0, 40));
    // wsfleet report redraws the folder from plan.json alone: the same bytes.
    const before = readFileSync(join(out, 'report.html'), 'utf8');
    rmSync(join(out, 'report.html'));
    expect(wsfleet(['report', out, '--quiet']).status).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe(before);

    // The chosen fleet runs as written, and its seed is the plan's first replication: the same run.
    const run = wsfleet(['run', join(out, 'chosen.yaml'), '--out', join(work, 'chosen-run'), '--json'], 60_000);
    expect(run.status).toBe(0);
    const summary = (JSON.parse(run.stdout) as { summary: Record<string, number> }).summary;
    const trial = plan.trials.find((t) => t.config === answer.config && t.value === answer.value);
    const wait = trial?.slos[0];
    if (wait === undefined) throw new Error('expected the answer’s trial');
    expect(summary['handshake.waitMs.mean']).toBeLessThanOrEqual(0.5);
    expect(Math.abs((summary['handshake.waitMs.mean'] ?? 0) - wait.mean)).toBeLessThan(0.2);
  });

  it('gives byte-identical plan files on one thread and on two workers', () => {
    const a = join(work, 'jobs1');
    const b = join(work, 'jobs2');
    expect(wsfleet(['plan', fixture, '--out', a, '--jobs', '1', '--quiet', ...quick], 120_000).status).toBe(0);
    expect(wsfleet(['plan', fixture, '--out', b, '--jobs', '2', '--quiet', ...quick], 120_000).status).toBe(0);
    for (const f of ['plan.json', 'plan.csv', 'report.html', 'chosen.yaml']) expect(readFileSync(join(b, f), 'utf8')).toBe(readFileSync(join(a, f), 'utf8'));
  });

  it('splits configurations over shards, and merge concludes the same answer as one plan', () => {
    const whole = join(work, 'whole');
    expect(wsfleet(['plan', fixture, '--out', whole, '--quiet', ...quick], 120_000).status).toBe(0);
    const s1 = join(work, 's1');
    const s2 = join(work, 's2');
    expect(wsfleet(['plan', fixture, '--out', s1, '--shard', '1/2', '--quiet', ...quick], 120_000).status).toBe(0);
    expect(wsfleet(['plan', fixture, '--out', s2, '--shard', '2/2', '--quiet', ...quick], 120_000).status).toBe(0);
    expect(readPlan(s1).configs.map((c) => c.status === 'elsewhere')).toEqual([false, true]);
    const merged = join(work, 'merged');
    const m = wsfleet(['merge', s1, s2, '--out', merged], 60_000);
    expect(m.status).toBe(0);
    expect(readPlan(merged).answer).toEqual(readPlan(whole).answer);
    expect(readPlan(merged).sentence).toBe(readPlan(whole).sentence);
    expect(readFileSync(join(merged, 'chosen.yaml'), 'utf8')).toBe(readFileSync(join(whole, 'chosen.yaml'), 'utf8'));
  });

  it.each([
    ['an SLO on a metric that does not exist', `  slos: { handshake.waitMs.mean: '<= 0.5', connect.latencyMs.p98: '<= 10' }`, /plan\.slos\.connect\.latencyMs\.p98|connect\.latencyMs\.p98.*expected a summary metric/],
    ['a bound that is not a comparison', `  slos: { handshake.waitMs.mean: 'under 0.5' }`, /plan\.slos.*expected a bound such as '<= 500'/],
    ['a search range upside down', `  search: { path: fleet.server.coresPerProcess, min: 9, max: 8 }`, /plan\.search.*expected min ≤ max/],
    ['a fault after the end of the run', `  faults: [none, { n+1: { atMs: 999999 } }]`, /plan\.faults\[1\]\.n\+1\.atMs.*expected a time before the end of the run/],
    ['a grid value the schema refuses', `  grid: { fleet.server.processes: [1, -2] }`, /plan\.grid\.fleet\.server\.processes\[1\].*fleet\.server\.processes: expected a number >= 1, got -2/],
  ])('refuses %s: exit 2, the file and the path named, nothing written', (_name, line, message) => {
    const text = readFileSync(fixture, 'utf8');
    const key = line.trim().split(':')[0] as string;
    // Replace the plan's own line for that key, or add it to the plan.
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith(`  ${key}:`));
    const planAt = lines.findIndex((l) => l === 'plan:');
    if (at >= 0 && lines[at + 1]?.startsWith('    ') === true) lines.splice(at, 2, line);
    else if (at >= 0) lines.splice(at, 1, line);
    else lines.splice(planAt + 1, 0, line);
    const file = join(work, `bad-${key}.yaml`);
    writeFileSync(file, lines.join('\n'));
    const out = join(work, `bad-${key}-out`);
    const r = wsfleet(['plan', file, '--out', out], 60_000);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to start when the largest runs it may make do not fit --max-memory', () => {
    const out = join(work, 'too-big');
    const r = wsfleet(['plan', fixture, '--out', out, '--max-memory', '1MB', ...quick]);
    expect(r.stderr).not.toMatch(STACK_LINE);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/mmc-cores\.yaml: estimated peak memory .* is above --max-memory 1(\.0)? MB/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a file without a plan block', () => {
    const r = wsfleet(['plan', join(repoRoot, 'experiments', 'reconnect-storm.yaml'), '--out', join(work, 'none')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/reconnect-storm\.yaml.*plan.*expected a plan block/s);
    expect(existsSync(join(work, 'none'))).toBe(false);
  });
});
