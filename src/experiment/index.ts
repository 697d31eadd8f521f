export { loadExperiment, parseExperiment, readExperiment, type ExperimentInput, type LoadOptions, type LoadResult } from './load.js';
export { dedupeIssues, formatIssues, type InputIssue } from './issues.js';
export { toSimConfig } from './to-sim.js';
export { listProfiles, loadProfile, dirProfileStore } from './profile-files.js';
export { textProfileStore, profileNames, type ProfileStore, type LoadedProfile } from './profiles.js';
export { parseExperimentText, type ExperimentText, type ParseOptions } from './parse.js';
export { buildExperimentSchema, PROFILE_KINDS, type Experiment } from './schema/experiment.js';
export { packageRoot, packageVersion, modelsDir } from './paths.js';
export { experimentJsonSchema } from './json-schema.js';
export { resolvedExperimentYaml } from './resolved.js';
export { expandGrid, replicationSeed, variantFolder, type Variant, type SweepSpec } from './sweep.js';
export type { SetFlag } from './overrides.js';
export { toRealConfig, type RealOptions, type ToRealResult } from './to-real.js';
export { runRealExperiment } from './real-run.js';
export { calibrate, calibratedBalancerYaml, calibratedClientsYaml, calibratedProfileYaml, type Calibration } from './calibration.js';
export { isLoopback, REAL_LIMITS, REAL_STACKS, RedisBroker, type RealConfig, type RealStack } from '../real/index.js';
export {
  compareSummaries,
  compareMetric,
  compareReplications,
  intervalsOverlap,
  relativeError,
  verdict,
  DEFAULT_TOLERANCE,
  DEFAULT_VALIDATION_METRICS,
  VERDICT_RULE,
  type MetricComparison,
  type ReplicatedComparison,
  type Verdict,
} from './validate.js';
export { runPool, defaultJobs, WorkerRunError, type RunPoolOptions, type WorkerReply } from './pool.js';
export { runExperiment, ExperimentRun, faultMarks, type RunExperimentOptions } from './run.js';
export { planSweep, runSweep, variantStats, type RunSweepOptions, type RunSweepResult, type SweepResult, type SweepRun, type SweepTask, type VariantLoader, type VariantStats } from './sweep-run.js';
export { messageMetrics } from './schema/alerts.js';
export { decodeRunRecord, encodeRunRecord, roundResult, runRecordName } from '../metrics/index.js';
export { admissions, backoffs, backpressures, balancers, heartbeats, resumes, shedders, type StrategyEntry } from '../strategies/index.js';
export { estimateRun, estimateBatch, formatBytes, formatCount, describeTerm, describeEventTerm, COSTS, type BudgetTerm, type RunBudget, type BatchBudget } from './budget.js';
/** What the CLI reads of the result schema, so it depends on experiment/ and report/ only. */
export { isSummaryKey } from '../metrics/index.js';
export { parseRunEvent, type CdfPoint, type MeanCi, type RunRecord, type RunResult, type Summary, type SummaryKey, type Table, type TypedRunEvent } from '../metrics/index.js';
export { runPlan, concludePlan, judgeSlo, parseSlos, replicationSteps, bisect, PlanAbortedError, type RunPlanOptions, type RunPlanResult } from './plan.js';
export type { PlanResult } from '../metrics/index.js';
