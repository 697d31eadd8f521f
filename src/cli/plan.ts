/**
 * `wsfleet plan FILE`: the cheapest fleet that meets the file's SLOs under every fault it must
 * survive, written as a plan folder (plan.json, plan.csv, charts, report.html, chosen.yaml).
 * `wsfleet merge` joins the folders of `--shard K/N` runs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concludePlan, estimateBatch, formatIssues, PlanAbortedError, runPlan, type PlanResult } from '../experiment/index.js';
import { checkBudget } from './limits.js';
import { chartNames, commitFolder, normaliseDir, planFolderFiles } from '../report/index.js';
import { EXIT, InputError } from './errors.js';
import { checkOutDir, defaultOutDir } from './out-dir.js';
import type { Shard } from './run-options.js';
import { textTable } from './table.js';
import { loadResolved } from './result-files.js';

export interface PlanCommandOptions {
  out?: string;
  force?: boolean;
  seed?: number;
  set: string[];
  scale?: number;
  jobs?: number;
  shard?: Shard;
  json?: boolean;
  quiet?: boolean;
  maxMemory?: number;
}

const fmt = (x: number): string => (Number.isInteger(x) ? x.toLocaleString('en-US') : x.toLocaleString('en-US', { maximumFractionDigits: 3 }));

/** What the terminal shows: the sentence, theory beside simulation, and each configuration's outcome. */
export function planText(r: PlanResult, dir: string): string {
  const rows = [
    ['configuration', 'status', r.search.path, 'theory', r.objective === 'cost' ? 'cost/h' : r.objective],
    ...r.configs.map((c, k) => {
      const cost = r.trials.find((t) => t.config === k && t.value === c.answer)?.cost;
      return [c.label, c.status, c.answer === null ? '—' : fmt(c.answer), fmt(r.theory.configs[k]?.value ?? Number.NaN), cost === undefined ? '—' : fmt(cost)];
    }),
  ];
  const lines = [r.sentence, '', textTable(rows), '', `${fmt(r.runs)} simulations, ${fmt(r.trials.length)} trials (configuration × value × fault).`];
  if (r.nextCheaper !== null && r.answer !== null) {
    const n = r.nextCheaper;
    const at = `${r.configs[n.config]?.label ?? ''} at ${r.search.path} = ${fmt(n.value)}`;
    lines.push(
      n.verdict === 'unclear'
        ? `Next cheaper: ${at} does not show ${n.metric} within ${fmt(n.bound)} under ${r.faults[n.fault]?.label ?? ''}: ${fmt(n.mean)} ± ${fmt(n.ci ?? 0)} after ${fmt(n.replications ?? 0)} replications.`
        : `Next cheaper: ${at} fails ${n.metric} under ${r.faults[n.fault]?.label ?? ''}: ${fmt(n.mean)} against ${fmt(n.bound)} (${fmt(Math.abs(n.by) * 100)} % past it).`,
    );
  }
  lines.push(`Wrote ${dir}/ (report.html, plan.json, plan.csv${r.answer === null ? '' : `, ${r.answer.experimentFile}`})`);
  return lines.join('\n') + '\n';
}

export async function planCommand(file: string, options: PlanCommandOptions): Promise<void> {
  const abort = new AbortController();
  const onSigint = (): void => {
    abort.abort();
  };
  process.once('SIGINT', onSigint);
  const quiet = options.quiet === true || options.json === true;
  try {
    const planned = await runPlan(
      { file },
      {
        sets: options.set,
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.scale === undefined ? {} : { scale: options.scale }),
        chartNames: chartNames(),
        ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
        ...(options.shard === undefined ? {} : { shard: options.shard }),
        signal: abort.signal,
        // The largest runs the plan may make, as many at once as --jobs: refused before any work when they cannot fit.
        beforeRuns: (largest) => {
          checkBudget(estimateBatch(largest, options.jobs ?? 1), options.maxMemory, file);
        },
        ...(quiet
          ? {}
          : {
              onProgress: (line: string) => {
                process.stderr.write(`${line}\n`);
              },
            }),
      },
    );
    if (!planned.ok) throw new InputError(`${formatIssues(planned.issues)}\nNothing was run or written.`);
    const { result } = planned;
    const shard = options.shard;
    const dir =
      options.out !== undefined
        ? normaliseDir(options.out)
        : defaultOutDir(planned.experiment, { set: options.set, scale: options.scale }, `-plan${shard === undefined ? '' : `-shard-${String(shard.index)}-of-${String(shard.count)}`}`);
    checkOutDir(dir, options.force === true);
    commitFolder(dir, await planFolderFiles(result, planned.chosenYaml, planned.baseYaml), { force: options.force === true });
    if (options.json) process.stdout.write(JSON.stringify({ dir, answer: result.answer, sentence: result.sentence, runs: result.runs }) + '\n');
    else if (!options.quiet) process.stdout.write(planText(result, dir));
  } catch (error) {
    if (error instanceof PlanAbortedError) {
      process.stderr.write('Interrupted: the plan was stopped before it found its answer; nothing was written.\n');
      process.exitCode = EXIT.interrupted;
      return;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

/** Whether a folder is a plan folder (or a plan shard's). */
export function isPlanFolder(dir: string): boolean {
  return existsSync(join(dir, 'plan.json'));
}

/** A plan folder's plan.json and chosen fleet, read back; a missing or damaged plan.json is an input error naming it. */
export function readPlanFolder(dir: string): { plan: PlanResult; chosen: string | null } {
  const file = join(dir, 'plan.json');
  if (!existsSync(file)) throw new InputError(`✖ ${dir}: expected a plan folder with plan.json\nNothing was written.`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InputError(`✖ ${file}: expected the JSON wsfleet plan writes: ${(error as Error).message}\nNothing was written.`);
  }
  const fields = data !== null && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  if (!['trials', 'configs', 'slos', 'faults'].every((k) => Array.isArray(fields[k]))) {
    throw new InputError(`✖ ${file}: expected the JSON wsfleet plan writes (trials, configs, slos, faults)\nNothing was written.`);
  }
  const plan = data as PlanResult;
  const chosen = plan.answer === null ? null : join(dir, plan.answer.experimentFile);
  return { plan, chosen: chosen !== null && existsSync(chosen) ? readFileSync(chosen, 'utf8') : null };
}

/**
 * Joins plan shard folders: each configuration's search from the shard that owns it, the trials of
 * all, the answer concluded again over all of them. Same answer as an unsharded plan; the trials can
 * differ, since a shard prunes only with the answers it found itself.
 */
export async function mergePlanFolders(dirs: readonly string[], out: string, force: boolean): Promise<PlanResult> {
  const first = loadResolved(dirs[0] as string);
  const shards = dirs.map((dir) => {
    const yaml = dir === dirs[0] ? first.yaml : loadResolved(dir).yaml;
    if (yaml !== first.yaml) throw new InputError(`✖ ${dir}: experiment.resolved.yaml differs from ${dirs[0] ?? ''}'s; expected shards of the same plan (same file, flags and seed)\nNothing was written.`);
    return { dir, ...readPlanFolder(dir) };
  });
  const base = (shards[0] as (typeof shards)[number]).plan;
  const configs = base.configs.map((_, k) => {
    const owner = shards.find((s) => s.plan.configs[k]?.status !== 'elsewhere');
    if (owner === undefined) throw new InputError(`✖ configuration ${String(k + 1)} (${base.configs[k]?.label ?? ''}) was searched by none of the folders; expected every shard of the plan\nNothing was written.`);
    return owner.plan.configs[k] as PlanResult['configs'][number];
  });
  const trials = shards.flatMap((s) => s.plan.trials).sort((a, b) => a.config - b.config);
  let best: { config: number; value: number; cost: number; yaml: string | null } | null = null;
  for (const s of shards) {
    const a = s.plan.answer;
    if (a !== null && (best === null || a.cost < best.cost || (a.cost === best.cost && a.config < best.config))) best = { config: a.config, value: a.value, cost: a.cost, yaml: s.chosen };
  }
  const { answer: _a, nextCheaper: _n, sentence: _s, ...rest } = base;
  const merged = concludePlan({ ...rest, configs, trials, runs: shards.reduce((n, s) => n + s.plan.runs, 0) }, best === null ? null : { config: best.config, value: best.value, cost: best.cost });
  checkOutDir(out, force);
  const chosenYaml = best?.yaml ?? null;
  commitFolder(normaliseDir(out), await planFolderFiles(merged, chosenYaml, first.yaml), { force });
  return merged;
}
