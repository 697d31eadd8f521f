import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root; the CLI runs from here, as a user in a checkout would run it. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = join(repoRoot, 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`node dist/src/cli/main.js …`) synchronously from the repository root. */
export function wsfleet(args: readonly string[], timeoutMs = 60_000): CliResult {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` before these tests`);
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: timeoutMs });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the CLI in this process (`main` of src/cli/program.ts), capturing what it writes to stdout and stderr
 * and the exit code it sets: for tests about what a command prints, not about the process around it.
 */
export async function wsfleetInProcess(args: readonly string[]): Promise<CliResult> {
  const { main } = await import('../../src/cli/program.js');
  const out = { stdout: '', stderr: '' };
  const writes = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
  const capture = (stream: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array) => {
      out[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    }) as typeof process.stdout.write;
  const exitCode = process.exitCode;
  // Read through a function: the CLI sets it during the await, which narrowing cannot see.
  const setCode = (): number | string | undefined => process.exitCode;
  process.exitCode = undefined;
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  try {
    await main([process.execPath, cliPath, ...args]);
    return { status: Number(setCode() ?? 0), ...out };
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
    process.exitCode = exitCode;
  }
}

/** Lines of a stack trace, as Node prints them ("    at fn (file:line:col)"). */
export const STACK_LINE = /^\s+at .+/m;

/** Every file under `dir`, as sorted paths relative to it. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

/** Flags that shrink the flagship experiment to a couple of seconds of wall time. */
export const SMALL_STORM = [
  '--set',
  'clients.arrivals.ramp.clients=3000',
  '--set',
  'clients.arrivals.ramp.overMs=20000',
  '--set',
  'durationMs=60000',
  '--set',
  'faults.0.crash.atMs=30000',
  '--set',
  'faults.0.crash.restartAfterMs=15000',
];

export const FLAGSHIP = 'experiments/reconnect-storm.yaml';
