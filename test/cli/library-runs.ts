import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VlSpec } from '../../src/report/types.js';
import { vlSchemaErrors } from '../report/vl-schema.js';
import { listFiles, repoRoot, wsfleet } from './cli.js';

/** Every experiment in the folder, so experiments added later are covered too. */
const allFiles = readdirSync(join(repoRoot, 'experiments'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** One in fifty clients, and one replication per sweep variant: seconds per experiment. */
const SMOKE = ['--scale', '0.02'];
/**
 * Experiments whose every client is busy for a long virtual time run smaller: `million` delivers a
 * message a second to each client for an hour (72 M deliveries at 0.02), so it runs at 0.005.
 */
const SCALE: Record<string, string[]> = { 'million.yaml': ['--scale', '0.005'] };

/**
 * Committed outputs of every experiment at the smoke scale (`SCALE` for the few that run smaller): `NAME.summary.json` as written, and
 * `NAME.hashes.json` with the SHA-256 of every data file in the folder (CSV, run records), so a
 * change that moves any number fails against a file. `UPDATE_GOLDEN=1` rewrites them; a deliberate
 * model change does so in the same commit and says why.
 */
const goldenDir = join(repoRoot, 'test', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

/** Data files of a result folder: everything but drawings, reports and the resolved experiment (which holds the version). */
function dataHashes(out: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  for (const f of listFiles(out)) {
    if (!/\.(csv|json)$/.test(f) || f.endsWith('.vl.json') || f === 'summary.json' || f === 'plan.json') continue;
    hashes[f.split('\\').join('/')] = createHash('sha256').update(readFileSync(join(out, f))).digest('hex');
  }
  return hashes;
}

/**
 * The golden runs of part `part` of `parts` (every `parts`-th experiment, in name order): the golden lane is split over
 * files (library-runs-*.test.ts) so its runs, one CLI child after another, use both cores.
 */
export function libraryRuns(part: number, parts: number): void {
  const files = allFiles.filter((_, k) => k % parts === part);
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'wsfleet-library-'));
    if (update) mkdirSync(goldenDir, { recursive: true });
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  describe('every experiment in experiments/ at reduced scale', () => {
    it.each(files)('%s runs end to end, writes a complete result folder and matches its golden outputs', (file) => {
      const name = file.replace(/\.yaml$/, '');
      const out = join(work, name);
      const parsed = parse(readFileSync(join(repoRoot, 'experiments', file), 'utf8')) as { sweep?: unknown; plan?: unknown };
      const isSweep = parsed.sweep !== undefined;
      // A plan runs as a plan, smaller and with at most three replications a trial: its plan.json is the summary.
      const isPlan = parsed.plan !== undefined;
      const command = isPlan ? ['plan', join('experiments', file), ...SMOKE, '--set', 'plan.replications.max=3'] : ['run', join('experiments', file), ...(SCALE[file] ?? SMOKE), ...(isSweep ? ['--set', 'sweep.replications=1'] : [])];
      const r = wsfleet([...command, '--out', out, '--quiet'], 170_000);
      expect(r.status, r.stderr).toBe(0);
      const expected = isPlan ? ['experiment.resolved.yaml', 'plan.json', 'plan.csv', 'report.html'] : ['experiment.resolved.yaml', 'summary.json', 'summary.csv', 'report.html', isSweep ? 'sweep.csv' : 'timeseries.csv'];
      for (const f of expected) expect(existsSync(join(out, f)), f).toBe(true);
      const specs = listFiles(out).filter((f) => f.endsWith('.vl.json'));
      for (const f of specs) expect(vlSchemaErrors(JSON.parse(readFileSync(join(out, f), 'utf8')) as VlSpec), f).toEqual([]);

      const summary = readFileSync(join(out, isPlan ? 'plan.json' : 'summary.json'), 'utf8');
      const hashes = `${JSON.stringify(dataHashes(out), null, 2)}\n`;
      // A plan's golden is its plan.json, kept apart from the run summaries the metric catalogue is checked against.
      const summaryFile = join(goldenDir, `${name}.${isPlan ? 'plan' : 'summary'}.json`);
      const hashFile = join(goldenDir, `${name}.hashes.json`);
      if (update) {
        writeFileSync(summaryFile, summary);
        writeFileSync(hashFile, hashes);
      }
      expect(existsSync(summaryFile), `${summaryFile} is missing: run UPDATE_GOLDEN=1 npx vitest run --project golden`).toBe(true);
      expect(JSON.parse(summary)).toEqual(JSON.parse(readFileSync(summaryFile, 'utf8')));
      expect(summary).toBe(readFileSync(summaryFile, 'utf8'));
      expect(JSON.parse(hashes)).toEqual(JSON.parse(readFileSync(hashFile, 'utf8')));
    }, 180_000);
  });
}
