import { describe, expect, it } from 'vitest';
import { formatIssues, parseExperiment, runExperiment } from '../../src/experiment/index.js';

/** 10,000 clients connected at t = 0 through `count` balancers (each client's DNS pick is random); balancer 0 dies at 30 s. */
const yaml = (count: number, restart: string, index = 0): string => `
name: balancer-crash
question: what does losing a balancer do?
seed: 12
durationMs: 150000
fleet: { servers: 4, server: { profile: node-ws-plain } }
balancer: { profile: haproxy, count: ${String(count)}, strategy: least-connections }
clients:
  initial: 10000
  arrivals: { poisson: { ratePerSec: 0.001 } }
  sessionMs: forever
  reconnect: { full-jitter: { baseMs: 1000, capMs: 10000 } }
faults:
  - balancer-crash: { balancer: ${String(index)}, atMs: 30000, restartAfterMs: ${restart} }
`;

function run(count: number, restart: string) {
  const loaded = parseExperiment(yaml(count, restart));
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  return runExperiment(loaded.experiment);
}

describe('the balancer-crash fault', () => {
  it('closes the connections through the dead balancer; retries DNS sends to it fail at once, and everyone comes back through the other', () => {
    const r = run(2, '60000');
    const crash = r.events.find((e) => e.kind === 'balancer:crash');
    const closed = crash !== undefined && 'connections' in crash ? crash.connections : -1;
    // Each client picked one of two balancers at random: Binomial(10,000, 1/2), sd 50.
    expect(Math.abs(closed - 5000)).toBeLessThan(5 * 50);
    expect(r.summary['connections.dropped']).toBe(closed);
    // Half of the retries land on the dead balancer and get a reset (a failed attempt, not a timeout).
    expect(r.summary['connect.failed']).toBeGreaterThan(closed / 2);
    expect(r.summary['connect.timeouts']).toBe(0);
    expect(r.summary['clients.connected.final']).toBe(10_000);
    expect(r.events.some((e) => e.kind === 'balancer:restart' && e.atMs === 90_000)).toBe(true);
  });

  it('with one balancer and no restart is a single point of failure: nobody connects again', () => {
    const r = run(1, 'null');
    expect(r.summary['connections.dropped']).toBe(10_000);
    expect(r.summary['clients.connected.final']).toBe(0);
    // Connected for 30 s of 150.
    expect(r.summary.availability).toBeCloseTo(0.2, 2);
  });

  it('is refused with a located message for a balancer that does not exist', () => {
    const loaded = parseExperiment(yaml(2, 'null', 2));
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(formatIssues(loaded.issues)).toMatch(/faults\[0\]\.balancer-crash\.balancer: expected a balancer index below balancer\.count \(2\), got 2/);
  });
});
