import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { calibrate, calibratedProfileYaml, listProfiles, loadProfile, modelsDir } from '../experiment/index.js';
import { InputError } from './errors.js';
import { human, textTable } from './table.js';

export interface CalibrateCommandOptions {
  out?: string;
  connections?: number;
}

/** Where the profile goes: a .yaml file in an existing folder; its name becomes the profile name. */
function checkProfilePath(out: string): void {
  if (!out.endsWith('.yaml')) throw new InputError(`✖ --out ${out}: expected a path ending in .yaml, such as models/servers/node-ws-calibrated.yaml\nNothing was run or written.`);
  const dir = dirname(out);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`✖ --out ${out}: expected an existing folder ${dir}\nNothing was run or written.`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new InputError(`✖ --out ${out}: expected a file, got a folder\nNothing was run or written.`);
}

export async function calibrateCommand(options: CalibrateCommandOptions): Promise<void> {
  const out = options.out ?? join(modelsDir(), 'servers', 'node-ws-calibrated.yaml');
  checkProfilePath(out);
  const c = await calibrate({ connections: options.connections ?? 4000, log: (line) => process.stderr.write(line + '\n') });
  const shown = relative(process.cwd(), out) || out;
  writeFileSync(out, calibratedProfileYaml(c, `wsfleet calibrate --out ${shown}`));
  // The written profile must load as any profile does.
  const name = out.slice(dirname(out).length + 1, -'.yaml'.length);
  const folder = dirname(dirname(out));
  if (listProfiles(folder).servers.includes(name)) {
    const loaded = loadProfile('servers', name, folder);
    if ('issues' in loaded) throw new Error(`the calibrated profile does not validate: ${JSON.stringify(loaded.issues)}`);
  }
  const rows = [
    ['handshake CPU, mean (ms)', human(c.handshakeCostMs.meanMs)],
    ['handshake CPU, std (ms)', human(c.handshakeCostMs.stdMs)],
    ['ping + pong CPU per cycle (ms)', human(c.pingCostMs + c.pongCostMs)],
    ['CPU per message per recipient (ms)', human(c.perRecipientMessageCostMs)],
    ['health check CPU (ms)', human(c.healthCheckCostMs)],
    ['memory per connection (bytes)', human(c.perConnectionBytes)],
    ['idle process RSS (bytes)', human(c.baseBytes)],
  ];
  process.stdout.write(`${textTable(rows)}\n\nWrote ${shown} (${c.machine})\n`);
}
