/**
 * `npm test`: provisions what the selected lanes need, then runs `vitest run` with the arguments given.
 *
 * - browser lane: Debian's Chromium (/usr/bin/chromium, or $WSFLEET_CHROMIUM);
 * - real lane: redis-server (on PATH, or $WSFLEET_REDIS_SERVER), started on 127.0.0.1 on a free port for
 *   the run and stopped when it ends; tests read its URL from WSFLEET_REDIS_URL (set it to use your own).
 *
 * Missing tools are installed with `apt-get` when running as root. Otherwise one line names what is
 * missing and why, and the tests that need it are reported as not run with that reason.
 *
 * Usage: npm test [-- VITEST_ARGS], e.g. `npm test -- --project real test/real/messages.test.ts`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection, createServer } from 'node:net';
import { constants as os, tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingLine, planProvisioning, selectedLanes, TOOLS, type Tool } from './test-env.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The absolute path of an executable: `name` itself if it is a path, else the first match on PATH. */
function which(name: string): string | null {
  const executable = (file: string): boolean => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (isAbsolute(name)) return executable(name) ? name : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && executable(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Where a tool is looked for: its override variable, or the default. */
function lookupName(tool: Tool): string {
  return process.env[tool.override] ?? (tool.name === 'chromium' ? '/usr/bin/chromium' : tool.name);
}

function aptGet(args: string[]): boolean {
  const r = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

/** Installs missing tools where allowed; returns the reason each tool still missing is missing. */
function provision(lanes: ReturnType<typeof selectedLanes>): Map<Tool, string> {
  // A Redis given by URL needs no redis-server here.
  const found = (tool: Tool): boolean =>
    (tool.name === 'redis-server' && process.env.WSFLEET_REDIS_URL !== undefined) || which(lookupName(tool)) !== null;
  const plan = planProvisioning(lanes, found, {
    root: process.getuid?.() === 0,
    apt: which('apt-get') !== null,
    noApt: process.env.WSFLEET_NO_APT === '1',
  });
  const unavailable = new Map(plan.unavailable.map(({ tool, reason }) => [tool, reason]));
  if (plan.install.length > 0) {
    const packages = plan.install.map((t) => t.aptPackage);
    process.stderr.write(`npm test: installing ${packages.join(', ')} with apt-get\n`);
    const ok = aptGet(['update']) && aptGet(['install', '-y', ...packages]);
    for (const tool of plan.install) {
      if (which(lookupName(tool)) === null) {
        unavailable.set(tool, ok ? `apt-get installed ${tool.aptPackage} but did not provide it` : `apt-get install -y ${tool.aptPackage} failed`);
      }
    }
  }
  return unavailable;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** Resolves true once a Redis answers PING on 127.0.0.1:port. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => {
      done(false);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** The last lines of a log file, on one line. */
function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' / ');
  } catch {
    return 'no log';
  }
}

interface Redis {
  url: string;
  stop: () => Promise<void>;
}

/** Starts a throwaway redis-server on 127.0.0.1 (no persistence); throws with its log if it does not answer within 10 s. */
async function startRedis(bin: string): Promise<Redis> {
  const dir = mkdtempSync(join(tmpdir(), 'wsfleet-redis-'));
  const port = await freePort();
  const log = join(dir, 'redis.log');
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', log];
  const child: ChildProcess = spawn(bin, args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  child.once('error', () => undefined);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    if (await ping(port)) return { url: `redis://127.0.0.1:${String(port)}`, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  const tail = logTail(log);
  await stop();
  throw new Error(`${bin} did not answer PING on 127.0.0.1:${String(port)} (${tail})`);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const lanes = selectedLanes(args);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [tool, reason] of provision(lanes)) {
    const line = missingLine(tool, lookupName(tool), reason);
    process.stderr.write(line + '\n');
    env[tool.missingEnv] = `${tool.name} is missing (${lookupName(tool)}) and ${reason}`;
  }
  const chromium = TOOLS.find((t) => t.name === 'chromium');
  if (chromium !== undefined) env.WSFLEET_CHROMIUM = which(lookupName(chromium)) ?? lookupName(chromium);
  let redis: Redis | null = null;
  const redisTool = TOOLS.find((t) => t.name === 'redis-server');
  const redisBin = redisTool === undefined ? null : which(lookupName(redisTool));
  if (lanes.includes('real') && env.WSFLEET_REDIS_URL === undefined && redisBin !== null) {
    try {
      redis = await startRedis(redisBin);
      env.WSFLEET_REDIS_URL = redis.url;
    } catch (error) {
      const reason = (error as Error).message;
      process.stderr.write(`npm test: ${reason}: the Redis broker test will be reported as not run.\n`);
      env.WSFLEET_REDIS_MISSING = reason;
    }
  }
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  const child = spawn(process.execPath, [vitest, 'run', ...args], { cwd: root, env, stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => {
    child.once('exit', (status, signal) => {
      resolve(status ?? 128 + (signal === null ? 0 : os.signals[signal]));
    });
  });
  await redis?.stop();
  return code;
}

process.exitCode = await main();
