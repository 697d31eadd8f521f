import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { defaultJobs, estimateBatch, estimateRun, formatIssues, loadExperiment, packageRoot, resolvedExperimentYaml, type Experiment, type RunBudget } from '../experiment/index.js';
import { chartNames } from '../report/index.js';
import { InputError } from './errors.js';
import { budgetLines, defaultMaxMemory } from './limits.js';
import { planSweep } from './sweep.js';

/** Prints the experiment as it would run: every profile value and default filled in. */
export function explainCommand(file: string, options: { set: string[]; json?: boolean; scale?: number }): void {
  const loaded = loadExperiment(file, { sets: options.set, chartNames: chartNames(), ...(options.scale === undefined ? {} : { scale: options.scale }) });
  if (!loaded.ok) throw new InputError(formatIssues(loaded.issues));
  const budget = sizeBudget(file, loaded.experiment, options);
  if (options.json) {
    const profiles = loaded.profiles.map((p) => ({ name: p.name, description: p.description, sources: p.sources }));
    process.stdout.write(JSON.stringify({ experiment: loaded.experiment, profiles, budget: { ...budget, maxMemoryBytes: defaultMaxMemory() } }) + '\n');
    return;
  }
  const sources = loaded.profiles.map((p) => `#   ${p.name}: ${p.description}\n${p.sources.map((s) => `#     - ${s}`).join('\n')}`);
  const what = 'runs' in budget ? `# Size budget (${String(budget.runs)} runs, ${String(budget.concurrent)} at a time): ` : '# Size budget: ';
  const size = budgetLines(budget).map((line, k) => (k === 0 ? what + line : `# ${line}`));
  size.push(`#   (wsfleet run refuses runs above --max-memory; default here ${budgetLimitText()})`);
  process.stdout.write(`# Profiles used and where their numbers come from:\n${sources.join('\n')}\n${size.join('\n')}\n${resolvedExperimentYaml(loaded.experiment)}`);
}

/** The run's estimate, or a sweep's over all its runs at the default job count. */
function sizeBudget(file: string, e: Experiment, options: { set: string[]; scale?: number }): RunBudget & { runs?: number; concurrent?: number } {
  if (e.sweep === undefined) return estimateRun(e);
  return estimateBatch(planSweep(file, e, options.set, options.scale).map((t) => t.experiment), defaultJobs());
}

function budgetLimitText(): string {
  return `${String(Math.round(defaultMaxMemory() / 1e9))} GB, half of this machine's memory`;
}

/** Writes a small, valid experiment to start from. */
export function newCommand(name: string, options: { dir: string; json?: boolean }): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new InputError(`✖ wsfleet new: expected a name of lowercase letters, digits and dashes, got '${name}'`);
  const file = join(options.dir, `${name}.yaml`);
  if (existsSync(file)) throw new InputError(`✖ wsfleet new: ${file} already exists; expected a new name`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, template(name, relative(dirname(file), join(packageRoot(), 'schema', 'experiment.schema.json'))));
  process.stdout.write(options.json ? JSON.stringify({ file }) + '\n' : `Wrote ${file}. Run it with: wsfleet run ${file}\n`);
}

function template(name: string, schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}
name: ${name}
question: >-
  What happens to a four-server fleet when one server crashes with 10,000 clients connected?
lookAt: >-
  connections-by-server: where the crashed server's clients go, and whether they come back.
seed: 1
durationMs: 120000
fleet:
  servers: 4
  server: { profile: node-ws-tls }
  network: { profile: broadband }
balancer:
  profile: haproxy
  strategy: least-connections
clients:
  profile: browser
  arrivals: { ramp: { clients: 10000, overMs: 30000 } }
  sessionMs: forever
heartbeat: { ping-pong: { intervalMs: 25000, timeoutMs: 20000 } }
faults:
  - crash: { server: 0, atMs: 60000, restartAfterMs: 20000 }
charts: [connections-by-server, clients]
`;
}
