export { runSimulation, simulate, SimRun, DISTRIBUTION_METRICS, type RunSimulationOptions } from './run.js';
export type { SimConfig, AutoscalerSpec, ServerSpec, ServerGroupSpec, BalancerSpec, MemorySpec, NetworkSpec, ClientSpec, ArrivalSpec, FaultSpec, HealthCheckSpec, MessagesSpec, PollingSpec, BrokerSpec, ClientCpuSpec, BrowserSpec } from './config.js';
export { FLEET_COLUMNS, MESSAGE_COLUMNS, SERVER_COLUMNS } from './sampler.js';
export type { LaneBuffers, LaneCycle, LaneHelper } from './heartbeat-lane.js';
export type { Alloc, CpuQueueBuffers } from './cpu.js';
