#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { experimentJsonSchema, packageVersion } from '../experiment/index.js';
import { chartNames } from '../report/fleet-charts.js';
import { EXIT, InputError } from './errors.js';
import { runCommand } from './run.js';
import { listCommand } from './list.js';
import { explainCommand, newCommand } from './explain.js';
import { registerRealCommands } from './real-commands.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function seedArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > 2 ** 32 - 1) {
    throw new InvalidArgumentError(`expected an integer from 0 to 4294967295, got '${value}'`);
  }
  return n;
}

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
  wsfleet list                                      experiments, profiles, strategies, charts
  wsfleet schema --out schema/experiment.schema.json
Exit codes: 0 done, 2 invalid input (nothing written), 1 internal error.`,
  );

program
  .command('run')
  .description('run an experiment file and write its result folder')
  .argument('<file>', 'experiment YAML file')
  .option('--out <dir>', 'result folder (default: results/<name>-<seed>)')
  .option('--seed <n>', 'override the experiment seed', seedArg)
  .option('--set <path=value>', 'override a value inside the experiment, e.g. fleet.servers=20 (repeatable)', collect, [])
  .option('--json', 'print {dir, summary} as JSON instead of a table')
  .option('--quiet', 'print nothing on success')
  .addHelpText(
    'after',
    `
Examples:
  wsfleet run experiments/reconnect-storm.yaml
  wsfleet run experiments/reconnect-storm.yaml --seed 7 --out /tmp/storm
  wsfleet run experiments/reconnect-storm.yaml --set fleet.servers=20 --set 'clients.reconnect=immediate'`,
  )
  .action(runCommand);

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

/** Errors caused by the input or the paths given, not by wsfleet: no stack trace, exit 2. */
function isUserFault(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // A zero-delay loop comes from the experiment's numbers (zero latency, instant retries).
  return code === 'SIM_ERR_ZENO' || (typeof code === 'string' && ['ENOENT', 'ENOTDIR', 'EACCES', 'EISDIR', 'EROFS', 'ENOSPC'].includes(code));
}

program
  .command('explain')
  .description('print the experiment as it would run: every profile value and default filled in, with sources')
  .argument('<file>', 'experiment YAML file')
  .option('--set <path=value>', 'override a value inside the experiment (repeatable)', collect, [])
  .addHelpText('after', '\nExample:\n  wsfleet explain experiments/reconnect-storm.yaml --set fleet.servers=20')
  .action(explainCommand);

program
  .command('new')
  .description('write a small, valid experiment to start from')
  .argument('<name>', 'experiment name (lowercase letters, digits, dashes)')
  .option('--dir <dir>', 'folder to write it in', 'experiments')
  .addHelpText('after', '\nExample:\n  wsfleet new my-question && wsfleet run experiments/my-question.yaml')
  .action(newCommand);

registerRealCommands(program, { collect, seedArg });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
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

await main();
