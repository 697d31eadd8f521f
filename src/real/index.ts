export { runReal, type RealRunResult } from './runner.js';
export { REAL_LIMITS, REAL_STACKS, isLoopback, type RealStack, type RealConfig, type RealFault, type RealServerSpec, type RealBalancerSpec, type RealClientsSpec, type RealHealthCheck, type RealMessagesSpec, type RealPollingSpec, type RealAutoscalingSpec } from './config.js';
export { CHILD_NOFILE } from './children.js';
export { RedisBroker } from './broker.js';
export { calibrate, type Calibration, type CalibrateOptions } from './calibrate.js';
