import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from './errors.js';

/**
 * A result folder may replace an earlier result folder, never anything else: a folder that holds
 * files but no experiment.resolved.yaml is refused, so `--out ~/work` cannot wipe someone's work.
 */
export function checkOutDir(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new InputError(`✖ --out ${dir}: expected a folder, got a file\nNothing was run or written.`);
  if (readdirSync(dir).length > 0 && !existsSync(join(dir, 'experiment.resolved.yaml'))) {
    throw new InputError(`✖ --out ${dir}: the folder exists and is not a wsfleet result folder; expected a new or empty folder, or an earlier result\nNothing was run or written.`);
  }
}
