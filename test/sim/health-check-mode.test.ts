import { beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../src/metrics/index.js';
import { runLibraryVariant } from './library.js';

/** flash-crowd (4 servers, 40,000 clients in 10 s at 60 s, least-connections) without autoscaling or admission, to 200 s. */
const run = (mode: 'tcp' | 'http'): Summary =>
  runLibraryVariant('flash-crowd', [`balancer.healthCheck.mode=${mode}`, 'autoscaling=null', 'fleet.server.admission=accept-all', 'durationMs=200000']);

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
