/**
 * The wsfleet library: load and validate experiments, run them in the simulator, read the results.
 * Real mode (ws servers, proxies and client swarms on 127.0.0.1) is on the `wsfleet/real` subpath,
 * so nothing here loads `ws`. Every export is listed by name.
 */

// Experiments: read from a file, YAML text or an object; problems come back as issues, never thrown.
export {
  loadExperiment,
  parseExperiment,
  readExperiment,
  type ExperimentInput,
  type LoadOptions,
  type LoadResult,
} from './experiment/load.js';
export { formatIssues, type InputIssue } from './experiment/issues.js';
export type { Experiment } from './experiment/schema/experiment.js';
export { resolvedExperimentYaml } from './experiment/resolved.js';
export { experimentJsonSchema } from './experiment/json-schema.js';
export { listProfiles, loadProfile } from './experiment/profile-files.js';
export type { LoadedProfile } from './experiment/profiles.js';
export { modelsDir } from './experiment/paths.js';
export type { ProfileKind, ProfileNames } from './experiment/schema/experiment.js';

// Running: one simulation, or a sweep of variants × replications, in this process.
export { runExperiment, type RunExperimentOptions } from './experiment/run.js';
export {
  runSweep,
  variantStats,
  type RunSweepOptions,
  type RunSweepResult,
  type SweepResult,
  type SweepRun,
  type VariantStats,
} from './experiment/sweep-run.js';
export { expandGrid, replicationSeed, type Variant } from './experiment/sweep.js';
export type { SetFlag } from './experiment/overrides.js';
export { toSimConfig } from './experiment/to-sim.js';
export { runSimulation, type RunSimulationOptions } from './sim/run.js';
export type {
  SimConfig,
  ArrivalSpec,
  AutoscalerSpec,
  BalancerSpec,
  BrokerSpec,
  ClientSpec,
  FaultSpec,
  HealthCheckSpec,
  MemorySpec,
  MessagesSpec,
  NetworkSpec,
  PollingSpec,
  ServerGroupSpec,
  ServerSpec,
} from './sim/config.js';

// Strategies: the registries by kind, and the interfaces their entries implement.
export {
  admissions,
  backoffs,
  backpressures,
  balancers,
  heartbeats,
  resumes,
  shedders,
  instantiate,
  type Admission,
  type AdmissionDecision,
  type AdmissionName,
  type Backoff,
  type BackoffName,
  type Backpressure,
  type BackpressureDecision,
  type BackpressureName,
  type Balancer,
  type BalancerName,
  type Heartbeat,
  type HeartbeatName,
  type Resume,
  type ResumeDecision,
  type ResumeName,
  type Rng,
  type Shedder,
  type ShedderName,
  type StrategyChoice,
  type StrategyEntry,
} from './strategies/index.js';

// Results: one schema for sim and real runs.
export { meanCi, type CdfPoint, type MeanCi, type RunEvent, type RunResult, type Summary, type Table } from './metrics/index.js';
