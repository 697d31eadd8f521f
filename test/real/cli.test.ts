import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STACK_LINE, wsfleet } from '../cli/cli.js';
import { experimentFile, smallExperiment } from './helpers.js';

describe('wsfleet real refuses what it cannot run, with exit 2 and nothing written', () => {
  const cases: [string, Record<string, unknown>, string[], RegExp][] = [
    ['too many clients', smallExperiment({ clients: { arrivals: { ramp: { clients: 30_000, overMs: 1000 } }, reconnect: 'none' } }), [], /clients\.arrivals: expected at most 20000 clients in real mode/],
    ['a fault real mode has no event for', smallExperiment({ faults: [{ partition: { share: 0.5, atMs: 1000, durationMs: 1000 } }] }), [], /faults\[0\]\.partition: expected crash, hang, drain, rolling-restart or disconnect in real mode, got partition/],
    ['a warm start that with the arrivals passes the client cap', smallExperiment({ clients: { arrivals: { ramp: { clients: 20, overMs: 1000 } }, reconnect: 'none', initial: 19_990 } }), [], /clients: expected at most 20000 clients in real mode \(initial plus arrivals/],
    ['an autoscaler above the process cap', smallExperiment({ autoscaling: { metric: 'connections', target: 10, max: 40 } }), [], /autoscaling\.max: expected at most 32 servers in real mode/],
    ['an autoscaler that rebalances on join', smallExperiment({ autoscaling: { metric: 'connections', target: 10, max: 4, rebalanceShare: 0.5 } }), [], /autoscaling\.rebalanceShare: expected 0 in real mode/],
    ['messages with nothing that publishes', smallExperiment({ messages: { channels: 2, backendPerSec: 0, clientPerSec: 0 } }), [], /messages\.backendPerSec: expected publishes in real mode/],
    ['a run longer than the cap', smallExperiment({ durationMs: 3_600_000 }), [], /durationMs: expected at most 900000 ms in real mode/],
    ['a Redis URL off this machine', smallExperiment({}), ['--redis', 'redis://10.0.0.5:6379'], /--redis redis:\/\/10\.0\.0\.5:6379: expected a loopback address/],
    ['a Redis that does not answer', smallExperiment({ messages: { channels: 1, backendPerSec: 1 } }), ['--redis', 'redis://127.0.0.1:1'], /--redis redis:\/\/127\.0\.0\.1:1: expected a Redis answering PING there/],
    ['a malformed Redis URL', smallExperiment({}), ['--redis', 'localhost:6379'], /--redis localhost:6379: expected a URL such as redis:\/\/127\.0\.0\.1:6379/],
  ];
  for (const [what, data, flags, message] of cases) {
    it(what, () => {
      const { file, cleanup } = experimentFile(data);
      try {
        const out = join(file, '..', 'out');
        const r = wsfleet(['real', file, '--out', out, ...flags]);
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(message);
        expect(r.stderr).toMatch(/Nothing was run or written\./);
        expect(r.stderr).not.toMatch(STACK_LINE);
        expect(existsSync(out)).toBe(false);
      } finally {
        cleanup();
      }
    });
  }

  it('a missing file names the file', () => {
    const r = wsfleet(['real', 'no/such/experiment.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no\/such\/experiment\.yaml/);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });
});
