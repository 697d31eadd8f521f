/** Chart rendering in a fresh Node process (tsx, not dist/): in the cli lane with the other child-process tests. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderSample } from './write-sample.js';

describe('determinism across processes', () => {
  it('writes the same spec, SVG and PNG bytes in a fresh Node process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsfleet-report-'));
    try {
      const script = fileURLToPath(new URL('./write-sample.ts', import.meta.url));
      execFileSync(process.execPath, ['--import', 'tsx', script, dir]);
      const here = await renderSample();
      expect(readFileSync(join(dir, 'sample.vl.json'), 'utf8')).toBe(here.spec);
      expect(readFileSync(join(dir, 'sample.svg'), 'utf8')).toBe(here.svg);
      expect(readFileSync(join(dir, 'sample.png')).equals(Buffer.from(here.png))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
