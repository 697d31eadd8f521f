import { writeFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { experimentJsonSchema, packageVersion } from '../experiment/index.js';
import { chartNames } from '../report/index.js';
import { EXIT, InputError } from './errors.js';
import { runCommand } from './run.js';
import { mergeCommand } from './merge.js';
import { reportCommand } from './report.js';
import type { Shard } from './run-options.js';
import { listCommand } from './list.js';
import { explainCommand, newCommand } from './explain.js';
import { registerRealCommands } from './real-commands.js';
import { durationArg, sizeArg } from './limits.js';
import { playgroundCommand } from './playground.js';
import { planCommand } from './plan.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function seedArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > 2 ** 32 - 1) {
    throw new InvalidArgumentError(`expected an integer from 0 to 4294967295, got '${value}'`);
  }
  return n;
}

function portArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got '${value}'`);
  return n;
}

function jobsArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 256) throw new InvalidArgumentError(`expected a whole number of worker threads from 1 to 256, got '${value}'`);
  return n;
}

function scaleArg(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(n > 0) || n > 1000) throw new InvalidArgumentError(`expected a number above 0 and at most 1000, e.g. 0.1, got '${value}'`);
  return n;
}

function shardArg(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index < 1 || index > count || count > 100_000) {
    throw new InvalidArgumentError(`expected K/N with 1 <= K <= N, e.g. 2/8, got '${value}'`);
  }
  return { index, count };
}

/** The wsfleet command line: a fresh commander program, so that it can be parsed more than once in one process. */
export function createProgram(): Command {
  const program = new Command('wsfleet')
    .description('Discrete-event simulator of WebSocket fleet scaling: what happens to your fleet when…')
    .version(packageVersion())
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  wsfleet run experiments/reconnect-storm.yaml      run the flagship experiment
  wsfleet run experiments/backoff-sweep.yaml --jobs 2
  wsfleet run experiments/backoff-sweep.yaml --no-sweep --set clients.reconnect.full-jitter.baseMs=250   # one variant
  wsfleet report results/reconnect-storm-42         redraw charts and report.html
  wsfleet merge shards/* --out results/sweep        join --shard K/N folders
  wsfleet list                                      experiments, profiles, strategies, charts
  wsfleet schema --out schema/experiment.schema.json
--json on run, merge, report, list, explain and new prints machine-readable output.
Colour (the progress bar only) follows NO_COLOR.
Exit codes: 0 done, 2 invalid input, over --max-memory, or a folder wsfleet will not replace (nothing
written), 1 internal error, 124 stopped by --max-wall, 130 interrupted (a sweep's finished runs are kept in both).`,
    );

  program
    .command('run')
    .description('run an experiment file and write its result folder')
    .argument('<file>', 'experiment YAML file')
    .option('--out <dir>', 'result folder (default: results/<name>-<seed>, plus a hash of the experiment when --set or --scale change it)')
    .option('--force', 'replace the result folder even when it holds files wsfleet did not write')
    .option('--seed <n>', 'override the experiment seed', seedArg)
    .option('--set <path=value>', 'override a value inside the experiment, e.g. fleet.servers=20 (repeatable)', collect, [])
    .option('--scale <f>', 'multiply client counts and arrival rates by F (capacities and times stay): for smoke tests', scaleArg)
    .option('--no-sweep', "run once with the file's own values, ignoring its sweep block (pick a variant with --set)")
    .option('--all-replications', "a sweep keeps every replication's time series, events and distributions (in runs/ and variants/*/replications/), not only the first's")
    .option('--jobs <n>', 'worker threads for a sweep (default: one per core)', jobsArg)
    .option('--shard <k/n>', "run only slice K of N of a sweep's runs, into a shard folder for `wsfleet merge`", shardArg)
    .option('--json', 'print {dir, summary} as JSON instead of a table')
    .option('--quiet', 'print nothing on success (no progress either)')
    .option('--max-memory <size>', "refuse to start when the estimated peak memory is above SIZE, e.g. 4GB, 512MiB (default: half of the machine's memory)", sizeArg)
    .option('--max-wall <duration>', 'stop after this much wall time, e.g. 90s, 10m, 2h; exit 124, no result folder (a sweep keeps finished runs)', durationArg)
    .option('--profile [file]', 'record a V8 CPU profile of the run (default: profile.cpuprofile in the result folder)')
    .addHelpText(
      'after',
      `
Progress goes to stderr: a bar with virtual time, events/s and ETA on a terminal; otherwise a plain
line every 5 s of wall time and one per finished run. Ctrl-C stops a sweep and keeps every finished
run in the result folder's runs/. \`wsfleet explain\` shows the memory estimate --max-memory checks.

Examples:
  wsfleet run experiments/reconnect-storm.yaml
  wsfleet run experiments/reconnect-storm.yaml --seed 7 --out /tmp/storm
  wsfleet run experiments/reconnect-storm.yaml --profile /tmp/storm.cpuprofile   # open in Chrome DevTools
  wsfleet run experiments/reconnect-storm.yaml --set fleet.servers=20 --set 'clients.reconnect=immediate'
  wsfleet run experiments/backoff-sweep.yaml --jobs 2
  wsfleet run experiments/backoff-sweep.yaml --no-sweep --set clients.reconnect.full-jitter.baseMs=250   # one variant
  wsfleet run experiments/backoff-sweep.yaml --scale 0.05 --set sweep.replications=1   # a quick smoke run
  wsfleet run experiments/backoff-sweep.yaml --shard 1/4 --out shards/1   # then: wsfleet merge shards/* --out all`,
    )
    .action(runCommand);

  program
    .command('plan')
    .description('find the cheapest fleet that meets the SLOs of a file\'s plan: block under every fault it must survive')
    .argument('<file>', 'experiment YAML file with a plan: block')
    .option('--out <dir>', 'plan folder (default: results/<name>-<seed>-plan)')
    .option('--force', 'replace the plan folder even when it holds files wsfleet did not write')
    .option('--seed <n>', 'override the experiment seed', seedArg)
    .option('--set <path=value>', 'override a value inside the experiment, e.g. plan.search.max=40 (repeatable)', collect, [])
    .option('--scale <f>', 'multiply client counts and arrival rates by F (capacities and times stay): for smoke tests', scaleArg)
    .option('--jobs <n>', 'worker threads (default: 1; the plan is the same for any count)', jobsArg)
    .option('--shard <k/n>', 'search only configurations K, K+N, … into a shard folder; wsfleet merge joins the shards', shardArg)
    .option('--json', 'print {dir, answer, sentence, runs} as JSON')
    .option('--quiet', 'print nothing on success (no progress either)')
    .option('--max-memory <size>', "refuse to start when the largest runs the plan may make (--jobs at once) are estimated above SIZE, e.g. 4GB (default: half of the machine's memory)", sizeArg)
    .addHelpText(
      'after',
      `
For each configuration (a server profile × the plan's grid), cheapest first, the searched value
(fleet.servers unless plan.search.path says otherwise) is bisected, starting from the analytic
estimate. A value passes when every SLO holds with the plan's confidence under every fault, each
fault judged on its own; replications are added while a confidence interval straddles a bound.
Configurations that cannot beat the answer already found are pruned. Progress goes to stderr.

Examples:
  wsfleet plan experiments/plan-chat-n1.yaml
  wsfleet plan experiments/plan-chat-n1.yaml --jobs 2 --out /tmp/chat-plan
  wsfleet plan experiments/plan-chat-n1.yaml --shard 1/2 --out shards/1   # then: wsfleet merge shards/* --out plan`,
    )
    .action(planCommand);

  program
    .command('report')
    .description('redraw the charts and report.html of a result folder from its files, without running anything')
    .argument('<dir>', 'a result folder written by `wsfleet run` or `wsfleet merge`')
    .option('--json', 'print {dir, report, charts} as JSON')
    .option('--quiet', 'print nothing on success')
    .addHelpText(
      'after',
      `
Useful after upgrading wsfleet or changing an experiment's charts: the folder's runs, time series and
summary are read, never recomputed. A folder redrawn without changes is byte-identical.

Examples:
  wsfleet report results/reconnect-storm-42
  wsfleet report results/backoff-sweep-23 --json`,
    )
    .action(reportCommand);

  program
    .command('merge')
    .description("join a sweep's shard folders into the folder an unsharded run writes, byte for byte")
    .argument('<dirs...>', 'shard folders written by `wsfleet run --shard K/N`')
    .requiredOption('--out <dir>', 'result folder to write')
    .option('--force', 'replace the result folder even when it holds files wsfleet did not write')
    .option('--json', 'print {dir, runs, summary} as JSON')
    .option('--quiet', 'print nothing on success')
    .addHelpText(
      'after',
      `
Every run of the sweep must be in exactly one of the folders (or identical where repeated), and all
folders must come from the same experiment, flags and seed.

Examples:
  wsfleet merge results/backoff-sweep-23-shard-1-of-2 results/backoff-sweep-23-shard-2-of-2 --out results/backoff-sweep
  wsfleet merge shards/* --out merged --json`,
    )
    .action(mergeCommand);

  program
    .command('schema')
    .description('print the JSON Schema of experiment files (for editor completion)')
    .option('--out <file>', 'write to a file instead of stdout')
    .addHelpText('after', '\nExample:\n  wsfleet schema --out schema/experiment.schema.json')
    .action((options: { out?: string }) => {
      const text = JSON.stringify(experimentJsonSchema(chartNames()), null, 2) + '\n';
      if (options.out === undefined) process.stdout.write(text);
      else writeFileSync(options.out, text);
    });

  program
    .command('list')
    .description('list experiments, profiles, strategies and charts, one line each')
    .argument('[what]', 'experiments | profiles | strategies | charts')
    .option('--json', 'one JSON object per line')
    .addHelpText('after', '\nExamples:\n  wsfleet list\n  wsfleet list strategies --json')
    .action(listCommand);

  program
    .command('explain')
    .description('print the experiment as it would run: every profile value and default filled in, with sources')
    .argument('<file>', 'experiment YAML file')
    .option('--set <path=value>', 'override a value inside the experiment (repeatable)', collect, [])
    .option('--scale <f>', 'multiply client counts and arrival rates by F, as `wsfleet run --scale` does', scaleArg)
    .option('--json', 'print {experiment, profiles, budget} as JSON instead of YAML')
    .addHelpText('after', '\nExamples:\n  wsfleet explain experiments/reconnect-storm.yaml --set fleet.servers=20\n  wsfleet explain experiments/reconnect-storm.yaml --json')
    .action(explainCommand);

  program
    .command('new')
    .description('write a small, valid experiment to start from')
    .argument('<name>', 'experiment name (lowercase letters, digits, dashes)')
    .option('--dir <dir>', 'folder to write it in', 'experiments')
    .option('--json', 'print {file} as JSON')
    .addHelpText('after', '\nExample:\n  wsfleet new my-question && wsfleet run experiments/my-question.yaml')
    .action(newCommand);

  program
    .command('playground')
    .description('serve the browser playground (the same engine, live, in a page) on 127.0.0.1')
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', portArg, 4178)
    .option('--json', 'print {url} as JSON')
    .addHelpText(
      'after',
      '\nEvery experiment opens as a lesson; nothing leaves the page. Ctrl-C stops the server.\n\nExamples:\n  wsfleet playground\n  wsfleet playground --port 0 --json',
    )
    .action(playgroundCommand);

  registerRealCommands(program, { collect, seedArg });
  return program;
}

/** Errors caused by the input or the paths given, not by wsfleet: no stack trace, exit 2. */
function isUserFault(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // A zero-delay loop comes from the experiment's numbers (zero latency, instant retries).
  return code === 'SIM_ERR_ZENO' || code === 'WSFLEET_ERR_FOLDER' || (typeof code === 'string' && ['ENOENT', 'ENOTDIR', 'EACCES', 'EISDIR', 'EROFS', 'ENOSPC'].includes(code));
}

/**
 * Runs the CLI on `argv` (as process.argv: node, script, then the arguments). Sets process.exitCode and
 * writes to process.stdout and process.stderr, so `main.ts` is this call and tests can make it in process.
 */
export async function main(argv: readonly string[]): Promise<void> {
  // A reader that stops early (`wsfleet list | head`) closes the pipe: stop writing, quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? EXIT.ok);
  });
  try {
    await createProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage mistake.
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.input;
    } else if (error instanceof InputError) {
      process.stderr.write(error.message + '\n');
      process.exitCode = EXIT.input;
    } else if (isUserFault(error)) {
      process.stderr.write(`✖ ${(error as Error).message}\n`);
      process.exitCode = EXIT.input;
    } else {
      process.stderr.write(`wsfleet: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.internal;
    }
  }
}

