import { chartConfig } from './theme.js';
import type { VlSpec } from './types.js';

/** One metric measured in both worlds. */
export interface ValidationRow {
  metric: string;
  sim: number;
  real: number;
  /** |sim − real| / |real|; 0 when both are 0, Infinity when only real is. */
  relativeError: number;
}

/**
 * Sim and real side by side: one row of two bars per metric, each row on its own scale, with the
 * relative error in the row label.
 */
export function validationChart(title: string, rows: readonly ValidationRow[]): VlSpec {
  const label = (r: ValidationRow): string => `${r.metric} (${Number.isFinite(r.relativeError) ? `${(r.relativeError * 100).toFixed(1)} %` : '∞'})`;
  const values = rows.flatMap((r) => [
    { metric: label(r), world: 'sim', value: r.sim },
    { metric: label(r), world: 'real', value: r.real },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: 'sim vs real on 127.0.0.1; relative error |sim − real| / |real| in brackets' },
    data: { values },
    facet: { row: { field: 'metric', type: 'nominal', sort: rows.map(label), title: null, header: { labelAngle: 0, labelAlign: 'left', labelLimit: 360 } } },
    spec: {
      width: 360,
      height: { step: 18 },
      mark: { type: 'bar' },
      encoding: {
        y: { field: 'world', type: 'nominal', title: null, sort: ['sim', 'real'] },
        x: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'world', type: 'nominal', sort: ['sim', 'real'], scale: { range: ['#4c78a8', '#f58518'] }, legend: null },
      },
    },
    resolve: { scale: { x: 'independent' } },
    config: chartConfig,
  } as VlSpec;
}
