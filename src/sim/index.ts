export { runSimulation, type RunSimulationOptions } from './run.js';
export type { SimConfig, AutoscalerSpec, ServerSpec, ServerGroupSpec, BalancerSpec, MemorySpec, NetworkSpec, ClientSpec, ArrivalSpec, FaultSpec, HealthCheckSpec } from './config.js';
