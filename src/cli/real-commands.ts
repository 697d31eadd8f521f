import { InvalidArgumentError, type Command } from 'commander';
import { realCommand } from './real.js';
import { calibrateCommand } from './calibrate.js';
import { validateCommand } from './validate.js';
import { REAL_STACKS, VERDICT_RULE, type RealStack } from '../experiment/index.js';

interface Parsers {
  collect: (value: string, previous: string[]) => string[];
  seedArg: (value: string) => number;
}

function connectionsArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 100 || n > 10_000) throw new InvalidArgumentError(`expected an integer from 100 to 10000, got '${value}'`);
  return n;
}

function swarmsArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 8) throw new InvalidArgumentError(`expected an integer from 1 to 8, got '${value}'`);
  return n;
}

function stackArg(value: string): RealStack {
  const stack = REAL_STACKS.find((s) => s === value);
  if (stack === undefined) throw new InvalidArgumentError(`expected ${REAL_STACKS.join(' or ')}, got '${value}'`);
  return stack;
}

const STACK_HELP = "software on the sockets: ws (the bundled fleet) or socket-io (Socket.IO 4.8 servers and socket.io-client sockets, websocket transport); default: the file's validate.stack, else ws";

function replicationsArg(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 100) throw new InvalidArgumentError(`expected a whole number of replications from 1 to 100, got '${value}'`);
  return n;
}

/** A fraction (0.1) or a percentage (10%). */
function toleranceArg(value: string): number {
  const m = /^(\d*\.?\d+)(%?)$/.exec(value.trim());
  const n = m === null ? Number.NaN : Number(m[1]) / (m[2] === '%' ? 100 : 1);
  if (!(n >= 0 && n <= 10)) throw new InvalidArgumentError(`expected a relative error from 0 to 10, as a fraction (0.1) or a percentage (10%), got '${value}'`);
  return n;
}

/** `wsfleet real`, `calibrate` and `validate`: the commands that run real sockets on 127.0.0.1. */
export function registerRealCommands(program: Command, { collect, seedArg }: Parsers): void {
  program
    .command('real')
    .description('run an experiment on real sockets on 127.0.0.1 (ws servers, a balancing proxy, client swarms) and write its result folder')
    .argument('<file>', 'experiment YAML file')
    .option('--out <dir>', 'result folder (default: results/<name>-<seed>-real)')
    .option('--force', 'replace the result folder even when it holds files wsfleet did not write')
    .option('--seed <n>', 'override the experiment seed', seedArg)
    .option('--set <path=value>', 'override a value inside the experiment (repeatable)', collect, [])
    .option('--redis <url>', 'broker hub on Redis (a loopback URL such as redis://127.0.0.1:6379); default: embedded hub')
    .option('--swarms <n>', 'client swarm processes (1–8)', swarmsArg)
    .option('--stack <name>', STACK_HELP, stackArg)
    .option('--json', 'print {dir, summary} as JSON instead of a table')
    .option('--quiet', 'print nothing on success')
    .addHelpText(
      'after',
      `
Runs are bounded: at most 20,000 clients and 15 minutes; only loopback addresses.
Every process it starts is in its process group and is gone when it ends (also on Ctrl-C).
Examples:
  wsfleet real experiments/validation/balancer-distribution.yaml
  wsfleet real experiments/validation/crash-recovery.yaml --set clients.reconnect=immediate --out /tmp/real
  wsfleet real experiments/validation/socket-io-crash-recovery.yaml --stack socket-io`,
    )
    .action(realCommand);

  program
    .command('calibrate')
    .description("measure this machine's costs for the bundled server (handshake, ping, per-message CPU, memory per connection), the bundled proxy (CPU per connection) and the ws client (CPU per connect), and write a server, a balancer and a client profile")
    .option('--out <file>', 'server profile to write (default: models/servers/node-ws-calibrated.yaml)')
    .option('--balancer-out <file>', 'balancer profile to write (default: models/balancers/bundled-proxy.yaml)')
    .option('--clients-out <file>', 'client profile to write (default: models/clients/loopback-ws.yaml)')
    .option('--connections <n>', 'connections to open for the measurements (100–10000)', connectionsArg)
    .addHelpText('after', '\nExample:\n  wsfleet calibrate --out models/servers/node-ws-calibrated.yaml')
    .action(calibrateCommand);

  program
    .command('validate')
    .description('run an experiment R times in the sim and R times on real sockets; write validation.csv (each metric\'s mean ± 95 % CI in both worlds, the error of the means, a verdict) and a side-by-side chart')
    .argument('[file]', 'experiment YAML file (use a calibrated server profile: wsfleet calibrate); none with --all')
    .option('--all', 'validate every file of experiments/validation/ (and the variants its validate: section lists) with the metrics it names, and generate docs/validation.md')
    .option('--replications <n>', 'runs in each world, with the seeds sweeps use; real runs one after another', replicationsArg, 5)
    .option('--tolerance <x>', 'relative error of the means within which the worlds agree (0.1 or 10%)', toleranceArg, 0.1)
    .option('--out <dir>', 'result folder (default: results/<name>-<seed>-validation; with --all: results/validation-all)')
    .option('--doc <file>', 'with --all: the generated page (default: docs/validation.md)')
    .option('--force', 'replace the result folder (and --doc) even when it holds files wsfleet did not write')
    .option('--seed <n>', 'override the experiment seed (replication r runs with a seed derived from it)', seedArg)
    .option('--set <path=value>', 'override a value inside the experiment (repeatable)', collect, [])
    .option('--metric <name>', "summary metric to compare (repeatable; default: the file's validate.metrics, else a standard set)", collect, [])
    .option('--swarms <n>', 'client swarm processes (1–8)', swarmsArg)
    .option('--stack <name>', `${STACK_HELP}; none with --all (each file names its own)`, stackArg)
    .option('--json', 'print {dir, rows, missing} as JSON')
    .option('--quiet', 'print nothing on success')
    .addHelpText(
      'after',
      `
Verdict: ${VERDICT_RULE}.
Examples:
  wsfleet validate experiments/validation/crash-recovery.yaml --replications 5
  wsfleet validate experiments/validation/crash-recovery.yaml --metric recovery.ms95 --metric connect.attempts --tolerance 5%
  wsfleet validate experiments/validation/socket-io-crash-recovery.yaml --replications 3 --stack socket-io
  wsfleet validate --all --replications 3`,
    )
    .action(validateCommand);
}
