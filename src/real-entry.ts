/**
 * `wsfleet/real`: the same experiments on real sockets on 127.0.0.1 (ws servers, balancing proxies,
 * client swarms), machine calibration and sim-versus-real comparison. Importing it loads `ws`.
 */
export { toRealConfig, type RealOptions, type ToRealResult } from './experiment/to-real.js';
export { runRealExperiment } from './experiment/real-run.js';
export { calibrate, calibratedProfileYaml, type Calibration } from './experiment/calibration.js';
/** Comparing the worlds: one run each (compareSummaries) or replications with intervals and a verdict (compareReplications). */
export * from './experiment/validate.js';
export {
  isLoopback,
  REAL_LIMITS,
  RedisBroker,
  type RealConfig,
  type RealFault,
  type RealServerSpec,
  type RealBalancerSpec,
  type RealClientsSpec,
  type RealHealthCheck,
  type RealMessagesSpec,
  type RealRunResult,
  type CalibrateOptions,
} from './real/index.js';
