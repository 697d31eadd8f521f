import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatIssues, loadExperiment, toSimConfig } from '../../src/experiment/index.js';
import { runSimulation } from '../../src/sim/index.js';
import type { Summary } from '../../src/metrics/index.js';

const file = join(import.meta.dirname, '..', '..', 'experiments', 'shed-idle-first.yaml');

/**
 * The shed-idle-first experiment at a tenth of its clients (1,600 on 8 servers) with the shedding limit
 * scaled with them (220), so the survivors of the crash shed as they do at full scale.
 */
/** A summary value the run must have produced. */
function value(s: Summary, key: 'connections.shed' | 'messages.lost' | 'messages.lost.clientsShare'): number {
  const v = s[key];
  if (typeof v !== 'number') throw new Error(`${key} missing from the summary`);
  return v;
}

function run(strategy: string): Summary {
  const sets = [`fleet.server.shedding.strategy=${strategy}`, 'fleet.server.shedding.limit=220'];
  const loaded = loadExperiment(file, { sets, scale: 0.1 });
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  const { sweep: _sweep, ...experiment } = loaded.experiment;
  return runSimulation(toSimConfig(experiment)).summary;
}

describe('shedding above a limit after a crash', () => {
  let none: Summary;
  let idle: Summary;
  let random: Summary;
  beforeAll(() => {
    none = run('none');
    idle = run('idle-first');
    random = run('random');
  });

  it('sheds the same number of connections whatever the order', () => {
    expect(value(none, 'connections.shed')).toBe(0);
    expect(value(idle, 'connections.shed')).toBeGreaterThan(1000);
    expect(Math.abs(value(idle, 'connections.shed') - value(random, 'connections.shed'))).toBeLessThan(value(idle, 'connections.shed') * 0.05);
  });

  it('loses almost nothing more than no shedding when it closes idle connections first, and much more at random', () => {
    const extraIdle = value(idle, 'messages.lost') - value(none, 'messages.lost');
    const extraRandom = value(random, 'messages.lost') - value(none, 'messages.lost');
    expect(extraRandom).toBeGreaterThan(0);
    expect(extraIdle).toBeLessThan(extraRandom * 0.2);
    expect(value(idle, 'messages.lost.clientsShare')).toBeLessThan(value(random, 'messages.lost.clientsShare'));
  });
});
