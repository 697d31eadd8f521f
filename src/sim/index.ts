export { runSimulation } from './run.js';
export type { SimConfig, ServerSpec, NetworkSpec, ClientSpec, ArrivalSpec, FaultSpec, HealthCheckSpec } from './config.js';
