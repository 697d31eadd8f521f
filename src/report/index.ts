/** The report layer's public entry. The renderer (render.ts: vega, vega-lite, resvg) is not exported here: chartFiles loads it on the first drawing, so importing this entry stays cheap. */
export { charts, chartNames, markers, type ChartEntry } from './fleet-charts.js';
export { timeSeriesChart, tidyTimeSeries, type TimeSeriesChartOptions, type SeriesOptions, type Marker } from './charts.js';
export { compareChart, seriesByVariantChart, type VariantValue } from './sweep-charts.js';
export { commitFolder, updateFolder, refusal, strangers, normaliseDir, displayPath, FolderRefusedError, MANIFEST } from './folder.js';
export { writeResultFolder, runFiles, distributionsCsv, singleRunFiles, withReport, summaryTable, alertTable, chartFiles, tableCsv, summaryCsv, replicationsCsv, cell, type ResultFolder, type FolderFiles } from './write.js';
export type { VlSpec, Table } from './types.js';
export { validationChart, type ValidationRow } from './validation-chart.js';
export { reportHtml, type HtmlTable, type ReportInput } from './html.js';
export { human, humanCi } from './format.js';
export { runCharts, sweepCharts, cdfChart, sweepCurve, chartKindDocs, type ChartRequest, type ChartOptionsMap, type NamedSpec, type VariantData } from './chart-requests.js';
export { summaryTables } from './summary-tables.js';
export { HEADLINE } from './headline.js';
export { shortVariantLabels, displayUnit, unitOf, withUnit } from './readable.js';
export { atCap, capOf, compareCells, compareText, COMPARE_TABLE_NOTE, notReached, runCaps, sweepNotReached, versusBest, NOT_REACHED_LEGEND, VERDICT_LEGEND, type NotReached, type Verdict } from './compare.js';
export { keyChartName, namedKeyChart, type KeyChartSource } from './key-chart.js';
export { planFolderFiles, planCsv, planReportHtml } from './plan-report.js';
export { planCharts, planSloChart, planBindingChart } from './plan-charts.js';
export { faultSentences, runStory, sweepStory, type StoryVariant } from './story.js';
