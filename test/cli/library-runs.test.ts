import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VlSpec } from '../../src/report/types.js';
import { vlSchemaErrors } from '../report/vl-schema.js';
import { listFiles, repoRoot, wsfleet } from './cli.js';

/** Every experiment in the folder, so experiments added later are covered too. */
const files = readdirSync(join(repoRoot, 'experiments'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** One in fifty clients, and one replication per sweep variant: seconds per experiment. */
const SMOKE = ['--scale', '0.02'];

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'wsfleet-library-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('every experiment in experiments/ at reduced scale', () => {
  it.each(files)('%s runs end to end and writes a complete result folder', (file) => {
    const out = join(work, file.replace(/\.yaml$/, ''));
    const isSweep = (parse(readFileSync(join(repoRoot, 'experiments', file), 'utf8')) as { sweep?: unknown }).sweep !== undefined;
    const r = wsfleet(['run', join('experiments', file), ...SMOKE, ...(isSweep ? ['--set', 'sweep.replications=1'] : []), '--out', out, '--quiet'], 170_000);
    expect(r.status, r.stderr).toBe(0);
    for (const name of ['experiment.resolved.yaml', 'summary.json', 'summary.csv', 'report.html']) expect(existsSync(join(out, name)), name).toBe(true);
    expect(existsSync(join(out, isSweep ? 'sweep.csv' : 'timeseries.csv'))).toBe(true);
    const specs = listFiles(out).filter((f) => f.endsWith('.vl.json'));
    for (const f of specs) expect(vlSchemaErrors(JSON.parse(readFileSync(join(out, f), 'utf8')) as VlSpec), f).toEqual([]);
  }, 180_000);
});
