import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatIssues, loadExperiment, toSimConfig } from '../../src/experiment/index.js';
import { runSimulation } from '../../src/sim/index.js';
import type { Summary } from '../../src/metrics/index.js';

const file = join(import.meta.dirname, '..', '..', 'experiments', 'flash-crowd.yaml');

/** flash-crowd (4 servers, 40,000 clients in 10 s at 60 s, least-connections) without autoscaling or admission, to 200 s. */
function run(mode: 'tcp' | 'http'): Summary {
  const sets = [`balancer.healthCheck.mode=${mode}`, 'autoscaling=null', 'fleet.server.admission=accept-all', 'durationMs=200000'];
  const loaded = loadExperiment(file, { sets });
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  const { sweep: _sweep, ...experiment } = loaded.experiment;
  return runSimulation(toSimConfig(experiment)).summary;
}

describe('a flash crowd under least-connections', () => {
  let tcp: Summary;
  let http: Summary;
  beforeAll(() => {
    tcp = run('tcp');
    http = run('http');
  });

  it('collapses with TCP health checks: the saturated, empty servers pass them and draw every retry', () => {
    expect(tcp['clients.connected.final']).toBe(0);
    expect(tcp['availability']).toBeLessThan(0.3);
  });

  it('recovers with HTTP health checks, which take a saturated server out until its queue drains', () => {
    expect(http['clients.connected.final']).toBe(48_000);
    expect(http['availability']).toBeGreaterThan(0.8);
  });
});
