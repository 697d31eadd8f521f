import { describe, expect, it } from 'vitest';
import { formatIssues, parseExperiment, toRealConfig, toSimConfig } from '../../src/experiment/index.js';
import { runSimulation } from '../../src/sim/index.js';

/** A small experiment with a polling section; `polling` is its YAML flow mapping. */
const yaml = (polling: string, fleet = '{ servers: 2, server: { profile: node-ws-plain } }'): string => `
name: polling-real
question: Which long-polling settings does real mode take?
seed: 5
durationMs: 4000
fleet: ${fleet}
clients:
  arrivals: { ramp: { clients: 300, overMs: 2000 } }
  sessionMs: forever
polling: ${polling}
`;

function real(text: string) {
  const loaded = parseExperiment(text);
  if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
  return { experiment: loaded.experiment, real: toRealConfig(loaded.experiment, 'polling.yaml') };
}

describe('polling: in real mode', () => {
  it('refuses a shared session store, at polling.sessions, naming the file', () => {
    const { real: r } = real(yaml('{ share: 0.3, sessions: shared }'));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues.map((i) => i.path)).toEqual([['polling', 'sessions']]);
      expect(formatIssues(r.issues)).toMatch(/polling\.yaml.*polling\.sessions: expected local in real mode/s);
    }
  });

  it('refuses a separate polling farm, at polling.farm', () => {
    const groups = '{ groups: [ { name: ws, servers: 1, server: { profile: node-ws-plain } }, { name: poll, servers: 1, server: { profile: node-ws-plain } } ] }';
    const { real: r } = real(yaml('{ share: 0.3, farm: poll }', groups));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => [i.path, i.message])).toEqual([[['polling', 'farm'], 'expected null in real mode (the proxy balances polls over the whole fleet)']]);
  });

  it('takes local sessions with the hold and timeout, and polls with the very clients the sim draws', () => {
    const { experiment, real: r } = real(yaml('{ share: 0.3, holdMs: 2000, sessionTimeoutMs: 5000 }'));
    if (!r.ok) throw new Error(formatIssues(r.issues));
    const polling = r.config.polling;
    expect(polling).not.toBeNull();
    if (polling === null) return;
    expect([polling.holdMs, polling.sessionTimeoutMs]).toEqual([2000, 5000]);
    expect(polling.clients).toHaveLength(r.config.clients.arrivalsMs.length);
    const chosen = polling.clients.filter(Boolean).length;
    // The sim counts its polling clients over every client that arrived: the same draws give the same count.
    expect(runSimulation(toSimConfig(experiment)).summary['polling.clients']).toBe(chosen);
    // About the share of 300, and neither none nor all.
    expect(chosen).toBeGreaterThan(60);
    expect(chosen).toBeLessThan(120);
  });

  it('is null without a polling section', () => {
    const loaded = parseExperiment(yaml('null'));
    if (!loaded.ok) throw new Error(formatIssues(loaded.issues));
    const r = toRealConfig(loaded.experiment, 'polling.yaml');
    expect(r.ok && r.config.polling).toBe(null);
  });
});
