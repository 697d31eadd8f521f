export { LatencyRecorder, CDF_PERCENTILES } from './latency.js';
export { LogHistogram } from './log-histogram.js';
export { TimeWeighted } from './time-weighted.js';
export { meanCi, tQuantile95, tQuantile, oneSidedHalfWidth, imbalance, coefficientOfVariation, type MeanCi } from './stats.js';
export { erlangB, erlangC, mmcMeanWait, smallestServersErlangB, smallestServersMmcWait, littleL } from './queueing.js';
export { mser5, type Mser5 } from './warmup.js';
export { finalizeSummary, roundMetric, type CdfPoint, type RunEvent, type RunResult, type Summary, type Table } from './result.js';
export { decodeRunRecord, encodeRunRecord, roundCell, roundResult, roundTable, runRecordName, type RunRecord } from './run-record.js';
export { evaluateAlerts, alertSummary, alertEvents, detection, type AlertRule, type AlertFiring, type FaultMark } from './alerts.js';
export {
  CONNECTION_COLUMNS,
  FLEET_COLUMNS,
  MESSAGE_COLUMNS,
  REAL_MESSAGE_COLUMNS,
  POLLING_COLUMNS,
  SERVER_COLUMNS,
  SERVER_MESSAGE_COLUMNS,
  FLEET_COLUMN_INFO,
  SERVER_COLUMN_INFO,
  type FleetColumn,
  type ServerColumn,
} from './columns.js';
export {
  METRIC_GROUPS,
  SUMMARY_METRICS,
  LATENCY_METRICS,
  LATENCY_STATS,
  METRIC_PATTERNS,
  DISTRIBUTION_METRICS,
  type CapStart,
  type DistributionMetric,
  type LatencyMetric,
  type LatencyStat,
  type MetricGroup,
  type MetricInfo,
  type MetricValues,
  type StaticMetric,
  type SummaryKey,
  type SweepSummaryKey,
} from './catalogue.js';
export { describeMetric, splitSweepKey, isSummaryKey, catalogueKeys, type MetricDescription } from './describe.js';
export { metricsMarkdown } from './metrics-doc.js';
export { UNITS, type Unit, type World, type Condition, type ColumnInfo } from './units.js';
export {
  SERVER_EVENT_KINDS,
  eventDetail,
  makeEvent,
  runEvent,
  parseRunEvent,
  typedEvent,
  plainEvent,
  isServerEvent,
  shardText,
  type EventFields,
  type EventOf,
  type RunEventKind,
  type ServerEventKind,
  type TypedRunEvent,
} from './events.js';
export { capStartMs, recoveryMetrics, scaleOutMetrics } from './recovery.js';
export { DecisionList, decisionsOf, noDecisionLog, type Decision, type DecisionKind, type DecisionLog } from './decisions.js';
export { describeGridValue } from './labels.js';
export { chartFileNames, chartFileSafe, runChartNames, sweepChartNames, sweepCurveName, type ChartNaming } from './chart-names.js';
export type { PlanConfig, PlanFault, PlanResult, PlanSlo, PlanSloResult, PlanTheory, PlanTrial, PlanVerdict } from './plan-result.js';
