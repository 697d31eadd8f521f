import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildExperimentSchema, listProfiles, loadExperiment, parseExperimentText, dirProfileStore } from '../../src/experiment/index.js';
import { chartNames } from '../../src/report/index.js';
import { backoffs, balancers, heartbeats } from '../../src/strategies/index.js';
import { knobsOf, type Knob } from '../../playground/knobs.js';
import { applySets, decodeState, encodeState, runCommand, setFlag, withSet } from '../../playground/state.js';

const schema = buildExperimentSchema(listProfiles(), chartNames());
const lessons = readdirSync('experiments').filter((f) => f.endsWith('.yaml'));
const text = (file: string): string => readFileSync(join('experiments', file), 'utf8');
const knobs = (file: string): Knob[] => knobsOf(parse(text(file)) as Record<string, unknown>, schema);
const byPath = (ks: Knob[], path: string): Knob | undefined => ks.find((k) => k.path.join('.') === path);

describe('controls generated from the schema and the registries', () => {
  it.each(lessons)('%s: every number, flag and choice the file sets is a control, inside its schema bounds', (file) => {
    const ks = knobs(file);
    expect(ks.length).toBeGreaterThan(5);
    for (const k of ks) {
      if (k.kind === 'number') {
        expect(k.min).toBeLessThanOrEqual(k.value);
        expect(k.max).toBeGreaterThanOrEqual(k.value);
        expect(k.step).toBeGreaterThan(0);
      }
      if (k.kind === 'select' || k.kind === 'variant') expect(k.options.map((o) => o.value)).toContain(k.value);
    }
    expect(ks.some((k) => k.path.join('.') === 'name' || k.path[0] === 'sweep')).toBe(false);
  });

  it('a strategy choice lists its whole registry, with each entry’s description', () => {
    const storm = knobs('reconnect-storm.yaml');
    const balancer = byPath(storm, 'balancer.strategy');
    expect(balancer?.kind).toBe('select');
    if (balancer?.kind !== 'select') return;
    expect(balancer.strategy).toBe(true);
    expect(balancer.options.map((o) => o.value).sort()).toEqual(Object.keys(balancers).sort());
    expect(balancer.options.find((o) => o.value === 'least-connections')?.doc).toBe(balancers['least-connections'].doc);
    const heartbeat = byPath(storm, 'heartbeat');
    expect(heartbeat?.kind === 'select' && heartbeat.options.map((o) => o.value).sort()).toEqual(Object.keys(heartbeats).sort());
    // The chosen strategy's own options follow it.
    expect(byPath(storm, 'heartbeat.ping-pong.intervalMs')?.kind).toBe('number');
    const chat = knobs('backoff-sweep.yaml');
    // Grid paths are the sweep's selects, not sliders.
    const base = byPath(chat, 'clients.reconnect.full-jitter.baseMs');
    expect(base?.kind).toBe('variant');
    expect(base?.kind === 'variant' && base.options.map((o) => o.set)).toEqual([250, 1000, 4000]);
    const anyReconnect = lessons.flatMap((f) => knobs(f)).find((k) => k.kind === 'select' && k.path.join('.') === 'clients.reconnect');
    expect(anyReconnect?.kind === 'select' && anyReconnect.options.map((o) => o.value).sort()).toEqual(Object.keys(backoffs).sort());
  });

  it('a number bounded by the schema gets the schema’s bounds (fall ≥ 1)', () => {
    const fall = byPath(knobs('reconnect-storm.yaml'), 'balancer.healthCheck.fall');
    expect(fall?.kind === 'number' && fall.min).toBeGreaterThanOrEqual(1);
  });
});

describe('the state: sets written into the text agree with the CLI’s --set', () => {
  const store = dirProfileStore();
  it.each(lessons)('%s: every control set to another value gives the experiment `--set` gives', (file) => {
    let valid = 0;
    for (const k of knobs(file).slice(0, 12)) {
      const value =
        k.kind === 'number' ? (k.value === k.max ? k.min : k.max) : k.kind === 'boolean' ? !k.value : k.kind === 'variant' ? k.options.at(-1)?.set : k.options.at(-1)?.value;
      const strategy = k.kind === 'select' && k.strategy && typeof value === 'string' && typeof getAt(parse(text(file)), k.path) === 'object';
      const flag = setFlag(k.path, strategy ? { [value]: {} } : value);
      const viaText = parseExperimentText({ yaml: applySets(text(file), [flag]), name: file }, store, { noSweep: true, chartNames: chartNames() });
      const viaCli = loadExperiment(join('experiments', file), { noSweep: true, sets: [flag], chartNames: chartNames() });
      expect(viaText.ok, flag).toBe(viaCli.ok);
      if (viaText.ok && viaCli.ok) {
        valid += 1;
        expect(viaText.experiment, flag).toEqual(viaCli.experiment);
      }
    }
    // Extremes of a slider may be refused by a cross-field rule; most settings must be runnable.
    expect(valid).toBeGreaterThan(6);
  });

  it('round-trips through the URL hash, the edited YAML included', () => {
    const state = { lesson: 'backoff-sweep', sets: ['fleet.servers=6', 'clients.reconnect={ exponential: {} }'], yaml: null, scale: 0.25, speed: 60000, compare: 'fleet.servers=8' };
    expect(decodeState(encodeState(state), 'x')).toEqual(state);
    const edited = { ...state, sets: [], yaml: 'name: ünïcode-é\nseed: 3\n' };
    expect(decodeState(encodeState(edited), 'x')).toEqual(edited);
    expect(decodeState('', 'reconnect-storm').lesson).toBe('reconnect-storm');
  });

  it('a later set replaces an earlier one on the same path and anything inside it', () => {
    expect(withSet(['a.b=1', 'a.b.c=2', 'a.bc=3'], 'a.b=4')).toEqual(['a.bc=3', 'a.b=4']);
  });

  it('the command quotes what a shell would split', () => {
    expect(runCommand('experiments/x.yaml', true, ['clients.reconnect={ exponential: {} }', 'fleet.servers=4'], 0.5)).toBe(
      "wsfleet run experiments/x.yaml --no-sweep --set 'clients.reconnect={ exponential: {} }' --set fleet.servers=4 --scale 0.5",
    );
  });
});

function getAt(data: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((node, seg) => (typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[seg] : undefined), data);
}
