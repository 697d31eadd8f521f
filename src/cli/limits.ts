import { totalmem } from 'node:os';
import { InvalidArgumentError } from 'commander';
import { describeEventTerm, describeTerm, formatBytes, formatCount, type RunBudget } from '../experiment/index.js';
import { InputError } from './errors.js';

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `--max-memory SIZE`: 4GB, 512MiB, 1.5 GB, or plain bytes. */
export function sizeArg(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = SIZE_UNITS[(m?.[2] ?? '').toLowerCase() || 'b'];
  const bytes = Number(m?.[1]) * (unit ?? NaN);
  if (m === null || !(bytes >= 1e6)) throw new InvalidArgumentError(`expected a size of at least 1 MB such as 4GB or 512MiB, got '${value}'`);
  return bytes;
}

/** `--max-wall DURATION`: 90s, 10m, 2h, 500ms, or plain seconds. */
export function durationArg(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(value);
  const ms = Number(m?.[1]) * (DURATION_UNITS[(m?.[2] ?? 's').toLowerCase()] ?? NaN);
  if (m === null || !(ms > 0)) throw new InvalidArgumentError(`expected a duration such as 90s, 10m or 2h, got '${value}'`);
  return ms;
}

/** The default memory limit: half of this machine's memory. */
export function defaultMaxMemory(): number {
  return Math.floor(totalmem() / 2);
}

/** The estimate and the fields that drive it, as lines for a message or `explain`. */
export function budgetLines(budget: RunBudget): string[] {
  return [
    `peak memory ~${formatBytes(budget.memoryBytes)}, ~${formatCount(budget.events)} events; driven by:`,
    ...budget.memory.slice(0, 5).map((t) => `  ${describeTerm(t)}`),
    ...budget.eventTerms.slice(0, 3).map((t) => `  ${describeEventTerm(t)}`),
  ];
}

/** Refuses a run whose estimated peak memory exceeds the limit: exit 2, nothing written. */
export function checkBudget(budget: RunBudget, maxBytes: number | undefined, what: string): void {
  const limit = maxBytes ?? defaultMaxMemory();
  if (budget.memoryBytes <= limit) return;
  const source = maxBytes === undefined ? `the default --max-memory ${formatBytes(limit)} (half of this machine's ${formatBytes(totalmem())})` : `--max-memory ${formatBytes(limit)}`;
  throw new InputError(
    [
      `✖ ${what}: estimated peak memory ${formatBytes(budget.memoryBytes)} is above ${source}`,
      ...budgetLines(budget),
      'Make the largest driver smaller (or try --scale 0.1 first), or raise --max-memory if the machine has the memory.',
      'Nothing was run or written.',
    ].join('\n'),
  );
}

/** The wall-time limit was reached: the run was stopped and nothing partial was kept as complete. */
export class WallLimitError extends Error {
  readonly code = 'WSFLEET_ERR_WALL';
  constructor(readonly limitMs: number) {
    super(`stopped after --max-wall ${String(limitMs / 1000)} s of wall time`);
    this.name = 'WallLimitError';
  }
}
