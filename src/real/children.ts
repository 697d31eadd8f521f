import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/**
 * Descriptors each child asks for. A proxy holds two per client (client side and upstream). Children
 * start through `sh -c 'ulimit -n N; exec node …'` with N = min(this, the hard limit): the soft limit is
 * raised to the hard one; raising the hard limit needs CAP_SYS_RESOURCE, which a container's root may lack.
 */
export const CHILD_NOFILE = 1_048_576;

/** The descriptor limit children get: min(CHILD_NOFILE, hard limit), and the soft limit now. */
export function descriptorLimits(): { soft: number; hard: number; child: number } {
  const read = (flag: string): number => {
    const out = spawnSync('/bin/sh', ['-c', `ulimit ${flag}`], { encoding: 'utf8' }).stdout.trim();
    return out === 'unlimited' ? Infinity : Number(out) || 1024;
  };
  const soft = read('-Sn');
  const hard = read('-Hn');
  return { soft, hard, child: Math.min(CHILD_NOFILE, hard) };
}

/**
 * Every child process of one run. They stay in the parent's process group (no `detached`), each
 * exits when its IPC channel closes (parent gone), and `killAll` ends them, stopped ones included.
 */
export class Children {
  private readonly running = new Set<ChildProcess>();
  private readonly limits = descriptorLimits();

  /** Starts `node file` with an IPC channel and the descriptor limit raised as far as allowed. */
  start(file: string): ChildProcess {
    const { soft, child: nofile } = this.limits;
    const [command, args] =
      nofile > soft ? ['/bin/sh', ['-c', `ulimit -n ${String(nofile)} && exec "$0" "$1"`, process.execPath, file]] : [process.execPath, [file]];
    // Structured clone over IPC, so Infinity and NaN cross as themselves.
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    child.on('error', () => undefined);
    this.track(child);
    return child;
  }

  /** A helper shell in the group, ended with the run. */
  startShell(script: string): ChildProcess {
    const child = spawn('/bin/sh', ['-c', script], { stdio: 'ignore' });
    child.on('error', () => undefined);
    this.track(child);
    return child;
  }

  private track(child: ChildProcess): void {
    this.running.add(child);
    child.once('exit', () => this.running.delete(child));
  }

  /** SIGKILL to every child still running; synchronous, so it is safe in an 'exit' handler. */
  killAll(): void {
    for (const child of this.running) kill(child, 'SIGKILL');
  }

  /** Kills every child and resolves once each has exited. */
  async endAll(): Promise<void> {
    const exits = [...this.running].map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => { resolve(); });
    }));
    this.killAll();
    await Promise.all(exits);
  }
}

/** Sends `signal` to a child; a child already gone is not an error. */
export function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // Already reaped.
  }
}

/** Resolves with the first message from `child` that `accept` takes, or null after `timeoutMs` or if the child exits. */
export function nextMessage<T>(child: ChildProcess, accept: (message: unknown) => T | null, timeoutMs: number): Promise<T | null> {
  return new Promise((resolve) => {
    const done = (value: T | null): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(value);
    };
    const onMessage = (message: unknown): void => {
      const value = accept(message);
      if (value !== null) done(value);
    };
    const onExit = (): void => {
      done(null);
    };
    const timer = setTimeout(() => {
      done(null);
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
