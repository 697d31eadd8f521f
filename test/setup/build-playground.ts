import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import buildDist from './build.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The browser lane's set-up: dist/ as for every lane that runs the CLI, and the playground built from
 * the current source into dist/playground (`npm run build:playground`), so the page under test is never stale.
 */
export default function setup(): void {
  buildDist();
  process.stderr.write('Building the playground into dist/playground (vite build)\n');
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', 'playground/vite.config.ts', '--logLevel', 'warn'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build of the playground failed:\n${r.stdout}${r.stderr}`);
}
