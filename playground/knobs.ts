/**
 * The controls of a lesson, generated from the experiment schema and the strategy registries: a number
 * becomes a slider (bounds from the schema where it has them), an enum or a strategy a select, a flag a
 * checkbox, a sweep's grid a select of its values. A strategy added to a registry appears here with no
 * UI code.
 */
import type { z } from 'zod';
import { defOf, schemaAt, unwrap, type Experiment, type IssuePath } from '../src/experiment/browser.js';
import { describeGridValue } from '../src/metrics/index.js';
import { admissions, backoffs, backpressures, balancers, heartbeats, resumes, shedders } from '../src/strategies/index.js';

export type Knob =
  | { kind: 'number'; path: IssuePath; value: number; min: number; max: number; step: number; doc: string }
  | { kind: 'select'; path: IssuePath; value: string; options: { value: string; label: string; doc?: string }[]; strategy: boolean; doc: string }
  | { kind: 'boolean'; path: IssuePath; value: boolean; doc: string }
  | { kind: 'variant'; path: IssuePath; value: string; options: { value: string; label: string; set: unknown }[]; doc: string };

const REGISTRIES: readonly Readonly<Record<string, { doc: string }>>[] = [balancers, backoffs, heartbeats, admissions, shedders, backpressures, resumes];

/** Top-level keys that are text, lists of rules or the sweep itself, not knobs. */
const NOT_KNOBS = new Set(['$schema', 'wsfleetVersion', 'name', 'question', 'lookAt', 'charts', 'alerts', 'sweep']);

/** The alternatives of a schema: a union's options, or the schema alone. */
const alternatives = (s: z.ZodType): z.ZodType[] => {
  const d = defOf(unwrap(s));
  return d.type === 'union' ? (d.options ?? []).map(unwrap) : [unwrap(s)];
};
const description = (s: z.ZodType | undefined): string => (s as { description?: string } | undefined)?.description ?? '';

/** The registry whose names are exactly `names`, if any. */
function registryOf(names: readonly string[]): Readonly<Record<string, { doc: string }>> | undefined {
  const key = [...names].sort().join(',');
  return REGISTRIES.find((r) => Object.keys(r).sort().join(',') === key);
}

/** A slider's range: the schema's bounds where it has them, else a span around the value. */
function numberKnob(path: IssuePath, value: number, s: z.ZodType): Knob {
  const n = s as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean };
  const magnitude = Math.max(Math.abs(value), 1);
  const min = Number.isFinite(n.minValue) ? Math.max(n.minValue as number, value < 0 ? -4 * magnitude : 0) : value < 0 ? -4 * magnitude : 0;
  const schemaMax = Number.isFinite(n.maxValue) ? (n.maxValue as number) : Infinity;
  const max = Math.min(schemaMax, niceCeil(value <= 0 ? 100 : value * 4));
  const integer = n.isInt === true || (Number.isInteger(value) && Math.abs(value) >= 1);
  const raw = (max - min) / 200;
  const step = integer ? Math.max(1, niceFloor(raw)) : Math.min(niceFloor(raw), value === 0 ? raw : Math.abs(value) / 10) || 0.001;
  // A slider counts steps from its minimum: start it on a multiple of the step so the value is on the grid.
  const aligned = step > 0 ? Math.ceil(min / step - 1e-9) * step : min;
  return { kind: 'number', path, value, min: Math.min(aligned, value), max: Math.max(max, value), step, doc: description(s) };
}

function niceCeil(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 5, 10].map((m) => m * p).find((c) => c >= x) ?? 10 * p;
}
function niceFloor(x: number): number {
  if (!(x > 0)) return 0;
  const p = 10 ** Math.floor(Math.log10(x));
  return [5, 2, 1].map((m) => m * p).find((c) => c <= x) ?? p;
}

/**
 * The knobs of an experiment as written (before profiles fill it in): every number, flag, enum and
 * strategy choice in its settings, and one select per sweep grid path. Paths inside a grid path are
 * left to the grid's select, so the two never disagree.
 */
export function knobsOf(data: Record<string, unknown>, schema: z.ZodType): Knob[] {
  const grid = (data.sweep as { grid?: Record<string, unknown[]> } | undefined)?.grid ?? {};
  const gridPaths = Object.keys(grid).map(toPath);
  const knobs: Knob[] = gridPaths.map((path, k) => variantKnob(path, Object.values(grid)[k] ?? [], data));
  const covered = (path: IssuePath): boolean => gridPaths.some((g) => g.every((seg, i) => path[i] === seg));
  const visit = (value: unknown, path: IssuePath): void => {
    if (path.length === 1 && NOT_KNOBS.has(String(path[0]))) return;
    if (covered(path)) return;
    const s = schemaAt(schema, path);
    if (s === undefined) return;
    if (typeof value === 'number') {
      const number = alternatives(s).find((a) => defOf(a).type === 'number');
      if (number !== undefined) knobs.push(numberKnob(path, value, number));
      return;
    }
    if (typeof value === 'boolean') {
      knobs.push({ kind: 'boolean', path, value, doc: description(s) });
      return;
    }
    if (typeof value === 'string') {
      const en = alternatives(s).find((a) => defOf(a).type === 'enum');
      const names = Object.keys(defOf(en ?? s).entries ?? {});
      if (en === undefined || names.length < 2) return;
      const registry = registryOf(names);
      knobs.push({ kind: 'select', path, value, options: names.map((v) => ({ value: v, label: v, ...(registry?.[v] ? { doc: registry[v].doc } : {}) })), strategy: registry !== undefined, doc: description(s) });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, k) => {
        visit(v, [...path, k]);
      });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const entries = Object.entries(value);
    const object = alternatives(s).find((a) => defOf(a).type === 'object');
    const names = Object.keys(defOf(object ?? s).shape ?? {});
    const registry = entries.length === 1 ? registryOf(names) : undefined;
    const [only] = entries;
    if (registry !== undefined && only !== undefined) {
      // A strategy written as { name: { options } }: a select of the registry, then its options.
      knobs.push({ kind: 'select', path, value: only[0], options: names.map((v) => ({ value: v, label: v, doc: registry[v]?.doc ?? '' })), strategy: true, doc: description(s) });
      visit(only[1], [...path, only[0]]);
      return;
    }
    for (const [key, v] of entries) visit(v, [...path, key]);
  };
  for (const [key, v] of Object.entries(data)) visit(v, [key]);
  return knobs;
}

function variantKnob(path: IssuePath, values: readonly unknown[], data: Record<string, unknown>): Knob {
  const own = getIn(data, path);
  const options = values.map((v, k) => ({ value: String(k), label: describeGridValue(v), set: v }));
  const found = values.findIndex((v) => JSON.stringify(v) === JSON.stringify(own));
  const withOwn = found >= 0 || own === undefined ? options : [{ value: 'file', label: `${describeGridValue(own)} (as written)`, set: own }, ...options];
  return { kind: 'variant', path, value: found >= 0 ? String(found) : (withOwn[0]?.value ?? '0'), options: withOwn, doc: 'a value of the sweep grid: the playground runs one variant at a time' };
}

export function toPath(dotted: string): IssuePath {
  return dotted.split('.').map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
}

export function getIn(data: unknown, path: IssuePath): unknown {
  return path.reduce<unknown>((node, seg) => (typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[seg] : undefined), data);
}

export type { Experiment };
