export { runSimulation, simulate } from './run.js';
export type { SimConfig, AutoscalerSpec, ServerSpec, ServerGroupSpec, BalancerSpec, MemorySpec, NetworkSpec, ClientSpec, ArrivalSpec, FaultSpec, HealthCheckSpec, MessagesSpec, PollingSpec, BrokerSpec } from './config.js';
