import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname } from 'node:path';
import { InputError } from './errors.js';

/** A V8 CPU profile being recorded on this thread; `stop` writes it as a `.cpuprofile` file. */
export interface CpuProfile {
  stop(file: string): Promise<void>;
}

/**
 * Starts V8's sampling profiler through node:inspector. The file opens in Chrome DevTools
 * (Performance, "Load profile"), VS Code, or speedscope.
 *
 * @param samplingIntervalUs time between samples in microseconds. @default 1000
 */
export async function startCpuProfile(samplingIntervalUs = 1000): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}

/** Refuses a `--profile` path that cannot be written as a file, before anything runs. */
export function checkProfilePath(file: string): void {
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new InputError(`✖ --profile ${file}: expected a file name (e.g. run.cpuprofile), got a folder\nNothing was run or written.`);
  }
}
