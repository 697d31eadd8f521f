export { charts, chartNames, type ChartEntry } from './fleet-charts.js';
export { timeSeriesChart, tidyTimeSeries, type TimeSeriesChartOptions, type SeriesOptions, type Marker } from './charts.js';
export { renderSvg, renderPng } from './render.js';
export { writeResultFolder, tableCsv, summaryCsv, type ResultFolder } from './write.js';
export type { VlSpec, Table } from './types.js';
