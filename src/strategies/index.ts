export { balancers, isEligible, type Balancer, type BackendView, type BalancerName, type ConnectRequest, type PickContext } from './balance/index.js';
export { backoffs, initialDelayMs, type Backoff, type BackoffName } from './backoff/index.js';
export { heartbeats, HeartbeatPhase, keepTimer, type Heartbeat, type HeartbeatStep, type HeartbeatName } from './heartbeat/index.js';
export { instantiate, factory, entry, choiceOf, type Rng, type StrategyChoice, type StrategyEntry, type StrategySpec } from './types.js';
export { admissions, shedders, excessOver, type Admission, type AdmissionDecision, type AdmissionName, type ConnectionView, type ServerLoadView, type Shedder, type ShedderName } from './admission/index.js';
export { backpressures, slowConsumer, type Backpressure, type BackpressureDecision, type BackpressureName, type OutgoingMessage, type SendQueueView } from './backpressure/index.js';
export { resumes, ChannelHistory, ChannelReceiver, Receivers, fresh, fromHistory, type Resume, type ResumeDecision, type ResumeName, type HistoryView } from './resume/index.js';
export {
  CONNECTED,
  nextReconnect,
  nextFlapAtMs,
  HealthCounter,
  firstCheckOffsetsMs,
  createBackendView,
  noteHealth,
  noteReport,
  TCP_KEEPALIVE_DETECT_MS,
  deadPeerDetectedAtMs,
  heartbeatGiveUpAtMs,
  silenceLimitMs,
  warmHeartbeatAgoMs,
  pickByCdf,
  pickDistinct,
  zipfCdf,
  faultTarget,
  rollingRestartAtMs,
  autoscaleDecision,
  meanOf,
  scaleInPicks,
  scaleOutPicks,
  type AutoscaleDecision,
  type AutoscaleRule,
  type AutoscalerSettings,
  type AutoscaleView,
  type ReconnectState,
  type ReconnectStep,
  type RiseFall,
  type MutableBackendView,
  type RollingRestart,
} from './rules/index.js';
