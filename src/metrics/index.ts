export { LatencyRecorder } from './latency.js';
export { TimeWeighted } from './time-weighted.js';
export { finalizeSummary, roundMetric, type RunEvent, type RunResult, type Summary, type Table } from './result.js';
