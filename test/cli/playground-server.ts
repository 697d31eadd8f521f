/**
 * `wsfleet playground --port 0 --json` as a child process, for the tests and the screenshot script:
 * started once it has printed its URL, stopped with a signal (SIGKILL after 10 s if it hangs).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cliPath, repoRoot } from './cli.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Served {
  url: string;
  port: number;
  child: ChildProcess;
  exited: Promise<Exit>;
  stdout: () => string;
  stderr: () => string;
}

/** `wsfleet playground --port 0 --json` as a child process, once it has printed its first line. */
export async function startPlayground(): Promise<Served> {
  const child = spawn(process.execPath, [cliPath, 'playground', '--port', '0', '--json'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`wsfleet playground printed no URL within 20 s:\n${stderr}`));
    }, 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      resolve(stdout.slice(0, nl));
    });
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`wsfleet playground exited (${String(e.code ?? e.signal)}) before printing its URL:\n${stderr}`));
    });
  });
  const m = /^\{"url":"http:\/\/127\.0\.0\.1:(\d+)\/"\}$/.exec(line);
  if (m === null) throw new Error(`expected {"url":"http://127.0.0.1:PORT/"} on stdout, got ${line}`);
  const { url } = JSON.parse(line) as { url: string };
  return { url, port: Number(m[1]), child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** Sends `signal` and waits (at most 10 s, then SIGKILL) for the exit. */
export async function stopPlayground(served: Served, signal: NodeJS.Signals): Promise<Exit | 'hung'> {
  served.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    served.exited,
    new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => {
        resolve('hung');
      }, 10_000);
    }),
  ]);
  clearTimeout(timer);
  if (exit === 'hung') served.child.kill('SIGKILL');
  return exit;
}
