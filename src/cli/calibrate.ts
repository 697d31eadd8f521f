import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { calibrate, calibratedBalancerYaml, calibratedClientsYaml, calibratedProfileYaml, listProfiles, loadProfile, modelsDir, type Calibration } from '../experiment/index.js';
import { InputError } from './errors.js';
import { human, textTable } from './table.js';

export interface CalibrateCommandOptions {
  out?: string;
  balancerOut?: string;
  clientsOut?: string;
  connections?: number;
}

/** Where a profile goes: a .yaml file in an existing folder; its name becomes the profile name. */
function checkProfilePath(flag: string, out: string, example: string): void {
  if (!out.endsWith('.yaml')) throw new InputError(`✖ ${flag} ${out}: expected a path ending in .yaml, such as ${example}\nNothing was run or written.`);
  const dir = dirname(out);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`✖ ${flag} ${out}: expected an existing folder ${dir}\nNothing was run or written.`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new InputError(`✖ ${flag} ${out}: expected a file, got a folder\nNothing was run or written.`);
}

/** The three profiles calibrate writes: kind (the models/ subfolder), flag, default path and writer. */
const targets = [
  { kind: 'servers', flag: '--out', option: 'out', file: 'node-ws-calibrated.yaml', yaml: calibratedProfileYaml },
  { kind: 'balancers', flag: '--balancer-out', option: 'balancerOut', file: 'bundled-proxy.yaml', yaml: calibratedBalancerYaml },
  { kind: 'clients', flag: '--clients-out', option: 'clientsOut', file: 'loopback-ws.yaml', yaml: calibratedClientsYaml },
] as const;

export async function calibrateCommand(options: CalibrateCommandOptions): Promise<void> {
  const outs = targets.map((t) => {
    const out = options[t.option] ?? join(modelsDir(), t.kind, t.file);
    checkProfilePath(t.flag, out, join('models', t.kind, t.file));
    return out;
  });
  const c = await calibrate({ connections: options.connections ?? 4000, log: (line) => process.stderr.write(line + '\n') });
  const shown = outs.map((out) => relative(process.cwd(), out) || out);
  const command = `wsfleet calibrate --out ${shown[0] as string} --balancer-out ${shown[1] as string} --clients-out ${shown[2] as string}`;
  targets.forEach((t, k) => {
    const out = outs[k] as string;
    writeFileSync(out, t.yaml(c, command));
    // The written profile must load as any profile does.
    const name = out.slice(dirname(out).length + 1, -'.yaml'.length);
    const folder = dirname(dirname(out));
    if (dirname(out).endsWith(t.kind) && listProfiles(folder)[t.kind].includes(name)) {
      const loaded = loadProfile(t.kind, name, folder);
      if ('issues' in loaded) throw new Error(`the calibrated ${t.kind} profile does not validate: ${JSON.stringify(loaded.issues)}`);
    }
  });
  process.stdout.write(`${textTable(rows(c))}\n\nWrote ${shown.join(', ')} (${c.machine})\n`);
}

function rows(c: Calibration): string[][] {
  return [
    ['handshake CPU, mean (ms)', human(c.handshakeCostMs.meanMs)],
    ['handshake CPU, std (ms)', human(c.handshakeCostMs.stdMs)],
    ['ping + pong CPU per cycle (ms)', human(c.pingCostMs + c.pongCostMs)],
    ['CPU per message per recipient (ms)', human(c.perRecipientMessageCostMs)],
    ['health check CPU (ms)', human(c.healthCheckCostMs)],
    ['memory per connection (bytes)', human(c.perConnectionBytes)],
    ['idle process RSS (bytes)', human(c.baseBytes)],
    ['proxy CPU per connection, mean (ms)', human(c.proxyConnectionCostMs.meanMs)],
    ['client CPU per connect, mean (ms)', human(c.clientConnectCostMs.meanMs)],
    ['client CPU per message received (ms)', human(c.clientMessageCostMs)],
  ];
}
