import { describe, expect, it } from 'vitest';
import { balancers, createBackendView, instantiate, noteHealth, noteReport } from '../../src/strategies/index.js';

describe('the backend view (sim balancer, real proxy)', () => {
  it('starts healthy, idle and unreported, with the server weight', () => {
    expect(createBackendView(3, 2)).toEqual({
      id: 3,
      weight: 2,
      healthy: true,
      openConnections: 0,
      reportedLoad: 0,
      reportedMemoryLoad: 0,
      reportedLatencyMs: 0,
      reportedAtMs: 0,
      healthySinceMs: 0,
    });
  });

  it('a report sets load, memory load and its time; nothing else', () => {
    const view = createBackendView(0, 1);
    noteReport(view, 0.4, 0.2, 1500);
    expect(view).toMatchObject({ reportedLoad: 0.4, reportedMemoryLoad: 0.2, reportedAtMs: 1500, healthySinceMs: 0, healthy: true });
  });

  it('healthySinceMs moves when the backend comes up, not when it goes down', () => {
    const view = createBackendView(0, 1);
    noteHealth(view, false, 1000);
    expect(view).toMatchObject({ healthy: false, healthySinceMs: 0 });
    noteHealth(view, true, 4000);
    expect(view).toMatchObject({ healthy: true, healthySinceMs: 4000 });
  });

  it('every balancer refuses when the only backend is marked down through the view', () => {
    for (const name of Object.keys(balancers)) {
      const strategy = instantiate(balancers, { name, options: {} }, 'balancer');
      const view = createBackendView(0, 1);
      noteHealth(view, false, 10);
      expect(strategy.pick({ clientId: 1, clientAddress: 1 }, [view], { nowMs: 20, rng: { next: () => 0.5 } })).toBe(-1);
    }
  });
});
