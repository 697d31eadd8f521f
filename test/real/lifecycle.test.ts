import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath, repoRoot } from '../cli/cli.js';
import { childrenOf, experimentFile, smallExperiment } from './helpers.js';

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** TCP ports in LISTEN held by any of `pids` (ss -ltnp). */
function listeningPorts(pids: readonly number[]): number[] {
  const out = spawnSync('ss', ['-ltnpH'], { encoding: 'utf8' }).stdout;
  return out.split('\n').flatMap((line) => {
    const owners = [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1]));
    const port = /127\.0\.0\.1:(\d+)/.exec(line)?.[1];
    return port !== undefined && owners.some((p) => pids.includes(p)) ? [Number(port)] : [];
  });
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

/** Starts `wsfleet real` with a long run (a server hung at 1 s), waits until it is serving, then sends `signal`. */
async function killedRun(signal: NodeJS.Signals): Promise<{ code: number | null; pids: number[]; ports: number[]; out: string }> {
  const { file, cleanup } = experimentFile(
    smallExperiment({
      durationMs: 120_000,
      clients: { arrivals: { ramp: { clients: 20, overMs: 500 } }, reconnect: { constant: { delayMs: 200 } } },
      faults: [{ hang: { server: 0, atMs: 1000, durationMs: 100_000 } }],
    }),
  );
  const out = join(file, '..', 'out');
  try {
    const parent = spawn(process.execPath, [cliPath, 'real', file, '--out', out, '--quiet'], { cwd: repoRoot, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => parent.once('exit', (code) => { resolve(code); }));
    const pid = parent.pid as number;
    // Two servers, the proxy, two swarms, and the guard shell of the hung server.
    const ready = await waitFor(() => childrenOf(pid).some((c) => c.state === 'T') && childrenOf(pid).length >= 6, 30_000);
    expect(ready).toBe(true);
    const pids = childrenOf(pid).map((c) => c.pid);
    const ports = listeningPorts(pids);
    expect(ports.length).toBe(3);
    process.kill(pid, signal);
    const code = await exited;
    await waitFor(() => pids.every((p) => !alive(p)) && listeningPorts(pids).length === 0, 15_000);
    return { code, pids, ports, out };
  } finally {
    cleanup();
  }
}

describe('a killed run leaves nothing behind', () => {
  it('SIGKILL of the parent, with a server SIGSTOPped: every child exits and no port stays open', async () => {
    const { pids, ports, out } = await killedRun('SIGKILL');
    expect(pids.filter(alive)).toEqual([]);
    expect(listeningPorts(pids)).toEqual([]);
    const still = spawnSync('ss', ['-ltnH'], { encoding: 'utf8' }).stdout;
    for (const port of ports) expect(still).not.toMatch(new RegExp(`127\\.0\\.0\\.1:${String(port)}\\s`));
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('SIGINT: the parent ends its children, exits 130 and writes nothing', async () => {
    const { code, pids, out } = await killedRun('SIGINT');
    expect(code).toBe(130);
    expect(pids.filter(alive)).toEqual([]);
    expect(listeningPorts(pids)).toEqual([]);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
