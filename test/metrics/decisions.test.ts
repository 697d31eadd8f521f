import { describe, expect, it } from 'vitest';
import { DecisionList, decisionsOf, noDecisionLog, type Decision } from '../../src/metrics/index.js';

describe('the decision log', () => {
  const backoff: Decision = { kind: 'backoff', atMs: 10, client: 1, retry: 1, delayMs: 200 };
  const health: Decision = { kind: 'health', atMs: 20, balancer: 0, server: 2, healthy: false };

  it('keeps decisions in order and hands them over once', () => {
    const log = new DecisionList();
    log.record(backoff);
    log.record(health);
    expect(log.take()).toEqual([backoff, health]);
    expect(log.take()).toEqual([]);
  });

  it('filters one kind, in order', () => {
    expect(decisionsOf([health, backoff, health], 'health')).toEqual([health, health]);
  });

  it('the no-op log keeps nothing and does not throw', () => {
    expect(() => {
      noDecisionLog.record(backoff);
    }).not.toThrow();
  });
});
