import type { TopLevelSpec } from 'vega-lite';

export type { Table } from '../metrics/index.js';

/** A vega-lite specification emitted by the report layer. */
export type VlSpec = TopLevelSpec;
