import type { BackendView } from '../balance/types.js';

/** A balancer's picture of one backend, kept up to date by its adapter; strategies see it read-only. */
export type MutableBackendView = { -readonly [K in keyof BackendView]: BackendView[K] };

/** A backend as a balancer first sees it: healthy, idle, nothing reported yet. */
export function createBackendView(id: number, weight: number): MutableBackendView {
  return {
    id,
    weight,
    healthy: true,
    openConnections: 0,
    reportedLoad: 0,
    reportedMemoryLoad: 0,
    reportedLatencyMs: 0,
    reportedAtMs: 0,
    healthySinceMs: 0,
  };
}

/** A server's periodic report of its CPU and memory load reached the balancer. */
export function noteReport(view: MutableBackendView, load: number, memoryLoad: number, atMs: number): void {
  view.reportedLoad = load;
  view.reportedMemoryLoad = memoryLoad;
  view.reportedAtMs = atMs;
}

/** The health belief flipped at `nowMs`; slow start counts from the moment a backend became healthy. */
export function noteHealth(view: MutableBackendView, healthy: boolean, nowMs: number): void {
  view.healthy = healthy;
  if (healthy) view.healthySinceMs = nowMs;
}
