import { join } from 'node:path';
import { expandGrid, runRecordName, variantStats } from '../experiment/index.js';
import type { RunRecord } from '../experiment/index.js';
import { commitFolder, normaliseDir } from '../report/index.js';
import { InputError } from './errors.js';
import { loadResolved } from './result-files.js';
import { checkOutDir } from './out-dir.js';
import { assembleSweep, flatSummary, readRunRecords } from './sweep-folder.js';
import { isPlanFolder, mergePlanFolders } from './plan.js';

/** Joins shard folders of one sweep into the folder an unsharded run writes, byte for byte. */
export async function mergeCommand(dirs: string[], options: { out: string; json?: boolean; quiet?: boolean; force?: boolean }): Promise<void> {
  checkOutDir(options.out, options.force === true);
  const out = normaliseDir(options.out);
  if (isPlanFolder(dirs[0] as string)) {
    const plan = await mergePlanFolders(dirs, out, options.force === true);
    if (options.json) process.stdout.write(JSON.stringify({ dir: out, answer: plan.answer, sentence: plan.sentence, runs: plan.runs }) + '\n');
    else if (!options.quiet) process.stdout.write(`Merged ${String(dirs.length)} plan shards into ${out}/\n${plan.sentence}\n`);
    return;
  }
  const first = loadResolved(dirs[0] as string);
  const sweep = first.experiment.sweep;
  if (sweep === undefined) throw new InputError(`✖ ${dirs[0] ?? ''}: expected a sweep's shard folders; this experiment has no sweep block\nNothing was written.`);
  const runs = new Map<string, { text: string; record: RunRecord }>();
  for (const dir of dirs) {
    const yaml = dir === dirs[0] ? first.yaml : loadResolved(dir).yaml;
    if (yaml !== first.yaml) throw new InputError(`✖ ${dir}: experiment.resolved.yaml differs from ${dirs[0] ?? ''}'s; expected shards of the same sweep (same file, flags and seed)\nNothing was written.`);
    for (const [name, run] of readRunRecords(dir)) {
      const seen = runs.get(name);
      if (seen !== undefined && seen.text !== run.text) throw new InputError(`✖ ${join(dir, 'runs', name)}: differs from the same run in another folder; expected identical runs\nNothing was written.`);
      runs.set(name, run);
    }
  }
  const expected = expandGrid(sweep.grid).flatMap((v) => Array.from({ length: sweep.replications }, (_, r) => runRecordName(v.index, r)));
  const missing = expected.filter((n) => !runs.has(n));
  const extra = [...runs.keys()].filter((n) => !expected.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    const list = (names: string[]): string => names.slice(0, 8).join(', ') + (names.length > 8 ? `, … (${String(names.length)} in all)` : '');
    const lines = [
      ...(missing.length > 0 ? [`✖ missing ${String(missing.length)} of ${String(expected.length)} runs: ${list(missing)}; expected every shard of the sweep`] : []),
      ...(extra.length > 0 ? [`✖ runs not in this sweep: ${list(extra)}`] : []),
    ];
    throw new InputError(`${lines.join('\n')}\nNothing was written.`);
  }
  commitFolder(out, await assembleSweep(first.experiment, first.yaml, runs), { force: options.force === true });
  if (options.json) {
    const stats = variantStats([...runs.values()].map((r) => r.record));
    process.stdout.write(JSON.stringify({ dir: out, runs: runs.size, summary: flatSummary(stats) }) + '\n');
  } else if (!options.quiet) {
    process.stdout.write(`Merged ${String(runs.size)} runs from ${String(dirs.length)} folders into ${out}/\n`);
  }
}
