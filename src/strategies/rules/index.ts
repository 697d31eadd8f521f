export { CONNECTED, nextReconnect, type ReconnectState, type ReconnectStep } from './reconnect.js';
export { nextFlapAtMs } from './flap.js';
export { HealthCounter, firstCheckOffsetsMs, type RiseFall } from './health.js';
export { createBackendView, noteHealth, noteReport, type MutableBackendView } from './backend-view.js';
export { TCP_KEEPALIVE_DETECT_MS, deadPeerDetectedAtMs, heartbeatGiveUpAtMs, silenceLimitMs, warmHeartbeatAgoMs } from './heartbeat.js';
export { pickByCdf, pickDistinct, zipfCdf } from './popularity.js';
export { faultTarget, rollingRestartAtMs, type RollingRestart } from './faults.js';
export { autoscaleDecision, meanOf, scaleInPicks, scaleOutPicks, type AutoscaleDecision, type AutoscaleRule, type AutoscalerSettings, type AutoscaleView } from './autoscale.js';
