export { LatencyRecorder, CDF_PERCENTILES } from './latency.js';
export { LogHistogram } from './log-histogram.js';
export { TimeWeighted } from './time-weighted.js';
export { meanCi, tQuantile95, imbalance, coefficientOfVariation, type MeanCi } from './stats.js';
export { finalizeSummary, roundMetric, type CdfPoint, type RunEvent, type RunResult, type Summary, type Table } from './result.js';
export { decodeRunRecord, encodeRunRecord, roundCell, roundResult, roundTable, runRecordName, type RunRecord } from './run-record.js';
export { evaluateAlerts, alertSummary, alertEvents, detection, type AlertRule, type AlertFiring, type FaultMark } from './alerts.js';
export { CONNECTION_COLUMNS, SERVER_COLUMNS } from './columns.js';
