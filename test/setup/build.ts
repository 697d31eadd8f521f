import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Set once the build has run in this vitest process; several lanes list this setup and it runs for each. */
const BUILT = Symbol.for('wsfleet.test.built');

/**
 * Compiles src/ into dist/ (`tsc -p tsconfig.build.json`) once per test run, so the CLI and the real-mode
 * children that the tests start are the current source, never a stale build.
 */
export default function setup(): void {
  const state = globalThis as { [BUILT]?: true };
  if (state[BUILT]) return;
  process.stderr.write('Compiling src/ into dist/ (tsc -p tsconfig.build.json) for the CLI and real-mode children\n');
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed, so dist/ would be stale:\n${r.stdout}${r.stderr}`);
  state[BUILT] = true;
}
