import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Experiment } from '../experiment/index.js';
import { refusal } from '../report/index.js';
import { InputError } from './errors.js';

/**
 * A result folder may replace an earlier result folder, never anything else: a folder that holds
 * anything wsfleet did not write (notes, a sub-folder, someone's work) is refused unless `force`.
 */
export function checkOutDir(dir: string, force = false, flag = '--out'): void {
  const problem = refusal(dir, force);
  if (problem !== undefined) throw new InputError(`✖ ${flag} ${dir}: ${problem}\nNothing was run or written.`);
}

/**
 * The default result folder: `results/<name>-<seed>` for the experiment as written, and
 * `results/<name>-<seed>-<hash>` when `--set`, `--scale` or `--no-sweep` changed it, so a smoke run never
 * replaces a full one. The hash is of the resolved experiment (without the wsfleet version).
 */
export function defaultOutDir(experiment: Experiment, changed: { set: readonly string[]; scale?: number | undefined; sweep?: boolean | undefined }, suffix = ''): string {
  const name = `${experiment.name}-${String(experiment.seed)}`;
  const plain = changed.set.length === 0 && (changed.scale === undefined || changed.scale === 1) && changed.sweep !== false;
  if (plain) return join('results', name + suffix);
  const { wsfleetVersion: _version, $schema: _schema, ...rest } = experiment;
  const hash = createHash('sha256').update(stringify(rest)).digest('hex').slice(0, 8);
  return join('results', `${name}-${hash}${suffix}`);
}
