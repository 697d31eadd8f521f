import type { TopLevelSpec } from 'vega-lite';

/** A vega-lite specification emitted by the report layer. */
export type VlSpec = TopLevelSpec;

/** A wide numeric table: one row per sample; the first column is usually `timeMs`. */
export interface Table {
  columns: string[];
  rows: number[][];
}
