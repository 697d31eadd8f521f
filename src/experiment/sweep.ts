import { describeGridValue } from '../metrics/index.js';
import type { SetFlag } from './overrides.js';
import type { Experiment } from './schema/experiment.js';

/** One variant of a sweep: the values it sets and a label for files and charts. */
export interface Variant {
  index: number;
  label: string;
  overrides: SetFlag[];
}

/** Every combination of the grid, in the order written (the last path varies fastest). */
export function expandGrid(grid: Readonly<Record<string, readonly unknown[]>>): Variant[] {
  const paths = Object.keys(grid);
  let combos: { path: string; value: unknown; k: number }[][] = [[]];
  for (const path of paths) {
    const values = grid[path] ?? [];
    combos = combos.flatMap((combo) => values.map((value, k) => [...combo, { path, value, k }]));
  }
  return combos.map((combo, index) => ({
    index,
    // With one path the values say it all; with several, each is named.
    label: combo.map((c) => (paths.length === 1 ? describeGridValue(c.value) : `${c.path}=${describeGridValue(c.value)}`)).join(', ') || 'base',
    overrides: combo.map((c) => ({
      flag: `sweep.grid['${c.path}'][${String(c.k)}]`,
      path: c.path.split('.').map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg)),
      value: c.value,
    })),
  }));
}

/**
 * The seed of replication `r`: the same for every variant, so variants are compared with
 * common random numbers, and different between replications. Replication 0 keeps the
 * experiment's seed so a one-replication sweep matches single runs.
 */
export function replicationSeed(seed: number, r: number): number {
  if (r === 0) return seed;
  let h = (seed ^ Math.imul(r, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A file-safe name for a variant folder. */
export function variantFolder(v: Variant): string {
  const slug = v.label
    .replace(/[^A-Za-z0-9.=-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, 80);
  return `${String(v.index + 1).padStart(2, '0')}-${slug}`;
}

export type SweepSpec = NonNullable<Experiment['sweep']>;
