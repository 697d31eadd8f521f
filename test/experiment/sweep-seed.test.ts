import { describe, expect, it } from 'vitest';
import { parseExperiment, planSweep, replicationSeed, type Experiment } from '../../src/experiment/index.js';

/** A small experiment with a sweep grid; `grid` is YAML for `sweep.grid`. */
function withGrid(grid: string, replications = 2): string {
  return `
name: seeds
question: q
lookAt: l
seed: 40
durationMs: 10000
fleet: { servers: 2, server: { profile: node-ws-plain }, network: { profile: broadband } }
balancer: { profile: haproxy, strategy: round-robin }
clients: { profile: browser, arrivals: { ramp: { clients: 10, overMs: 1000 } }, sessionMs: forever }
sweep:
  replications: ${String(replications)}
  grid: ${grid}
`;
}

function plan(yaml: string) {
  const base = parseExperiment(yaml);
  if (!base.ok) throw new Error(JSON.stringify(base.issues));
  return planSweep(base.experiment as Experiment, (overrides, seed) => parseExperiment(yaml, { overrides, seed }));
}

describe('sweep seeds', () => {
  it('replications run from the experiment seed when the grid does not vary it', () => {
    const p = plan(withGrid('{ fleet.servers: [2, 3] }'));
    if (!p.ok) throw new Error('expected a plan');
    expect(p.tasks.map((t) => t.seed)).toEqual([40, replicationSeed(40, 1), 40, replicationSeed(40, 1)]);
  });

  it('a grid over seed runs each variant from its own seed, not the experiment one', () => {
    const p = plan(withGrid('{ seed: [3, 9] }'));
    if (!p.ok) throw new Error('expected a plan');
    expect(p.tasks.map((t) => t.seed)).toEqual([3, replicationSeed(3, 1), 9, replicationSeed(9, 1)]);
    expect(p.tasks.map((t) => t.experiment.seed)).toEqual(p.tasks.map((t) => t.seed));
  });

  it('a grid seed that is no seed is named by the schema', () => {
    const p = plan(withGrid('{ seed: [3, -1, 2.5] }', 1));
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.issues.length).toBeGreaterThanOrEqual(2);
    for (const issue of p.issues) expect(issue.path).toEqual(['seed']);
  });
});
