import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../cli/cli.js';

/**
 * The README's "Use from TypeScript" example, run against the package as a user gets it: `npm pack`
 * (so `files` and `exports` are what is tested), the tarball unpacked into an empty project's
 * node_modules/wsfleet, then `node` on the block. Dependencies come from this checkout's node_modules
 * through a symlink inside the unpacked package: an `npm install` from the registry takes about a
 * minute on this machine, and pointing npm at the checkout's node_modules could prune it.
 */

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The fenced block of `lang` that follows `after` in the README. */
function block(after: string, lang: string): string {
  const start = readme.indexOf(after);
  if (start < 0) throw new Error(`README.md has no "${after}"`);
  const match = new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```').exec(readme.slice(start));
  if (match?.[1] === undefined) throw new Error(`README.md has no \`\`\`${lang} block after "${after}"`);
  return match[1];
}

const example = block('## Use from TypeScript', 'ts');
const expected = block('## Use from TypeScript', 'text');

let project: string;

/** Runs a module in the project with node; fails with its stderr. */
function node(file: string, source: string): string {
  writeFileSync(join(project, file), source);
  const r = spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

beforeAll(() => {
  if (!existsSync(join(repoRoot, 'dist', 'src', 'index.js'))) throw new Error('dist/src/index.js is missing: run `npm run build` before this test');
  project = mkdtempSync(join(tmpdir(), 'wsfleet-readme-'));
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', project], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack wrote no tarball');
  const pkg = join(project, 'node_modules', 'wsfleet');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', join(project, tarball), '-C', pkg, '--strip-components=1']);
  symlinkSync(join(repoRoot, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'readme-example', private: true, type: 'module' }));
}, 120_000);

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('the README example', () => {
  it('runs against the packed package and prints what the README says', () => {
    expect(node('example.mjs', example)).toBe(expected + '\n');
  });

  it('typechecks against the packed type declarations, under the strict options of this repository', () => {
    writeFileSync(join(project, 'example.mts'), example);
    const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--noUncheckedIndexedAccess', '--exactOptionalPropertyTypes', '--skipLibCheck'];
    const options = ['--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2023,dom'];
    const r = spawnSync(process.execPath, [tsc, ...args, ...options, 'example.mts'], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('the package entries', () => {
  // ws is CommonJS: whatever imports it, its files land in the CommonJS module cache.
  const wsLoaded = "Object.keys(createRequire(import.meta.url).cache).some((f) => /[\\\\/]node_modules[\\\\/]ws[\\\\/]/.test(f))";

  it('"wsfleet" does not load ws; "wsfleet/real" does', () => {
    const out = node(
      'entries.mjs',
      `import { createRequire } from 'node:module';
const main = await import('wsfleet');
const before = ${wsLoaded};
const real = await import('wsfleet/real');
const after = ${wsLoaded};
console.log(JSON.stringify({ before, after, main: typeof main.runExperiment, real: typeof real.runRealExperiment }));
`,
    );
    expect(JSON.parse(out)).toEqual({ before: false, after: true, main: 'function', real: 'function' });
  });

  it('runSweep gives the same runs in this thread and on two worker threads', () => {
    const out = node(
      'sweep-jobs.mjs',
      `import { runSweep } from 'wsfleet';
const yaml = \`name: tiny
question: does the job count change anything?
durationMs: 5000
fleet: { servers: 2 }
clients: { arrivals: { ramp: { clients: 50, overMs: 1000 } } }
sweep: { grid: { balancer.strategy: [round-robin, random] }, replications: 2 }
\`;
const one = await runSweep({ yaml });
const two = await runSweep({ yaml }, { jobs: 2 });
console.log(JSON.stringify({ runs: one.sweep.runs.length, same: JSON.stringify(one.sweep) === JSON.stringify(two.sweep) }));
`,
    );
    expect(JSON.parse(out)).toEqual({ runs: 4, same: true });
  });

  it('exposes only the listed subpaths', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('wsfleet/dist/src/sim/fleet.js')"], { cwd: project, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});
