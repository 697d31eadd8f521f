import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../src/experiment/index.js';
import { STACK_LINE, wsfleet } from '../cli/cli.js';

describe('wsfleet calibrate', () => {
  it('writes a server profile that validates, with measured costs and how they were measured', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsfleet-cal-'));
    try {
      mkdirSync(join(dir, 'servers'));
      const r = wsfleet(['calibrate', '--connections', '300', '--out', join(dir, 'servers', 'here.yaml')]);
      expect(r.status).toBe(0);
      const loaded = loadProfile('servers', 'here', dir);
      if ('issues' in loaded) throw new Error(JSON.stringify(loaded.issues));
      const v = loaded.profile.values as { handshakeCostMs: { lognormal: { meanMs: number } }; pingCostMs: number; memory: { perConnectionBytes: number } };
      expect(v.handshakeCostMs.lognormal.meanMs).toBeGreaterThan(0);
      expect(v.pingCostMs).toBeGreaterThan(0);
      expect(v.memory.perConnectionBytes).toBeGreaterThan(0);
      expect(loaded.profile.sources.join(' ')).toMatch(/process\.cpuUsage/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses an --out that is not a .yaml file in an existing folder', () => {
    for (const out of ['/no/such/folder/p.yaml', join(tmpdir(), 'p.json')]) {
      const r = wsfleet(['calibrate', '--out', out]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`--out ${out}`);
      expect(r.stderr).not.toMatch(STACK_LINE);
    }
  });
});
