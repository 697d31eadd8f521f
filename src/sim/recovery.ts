/** Moved to metrics, shared by the sim's and the real summary; kept here for old imports. */
export { recoveryMetrics, scaleOutMetrics } from '../metrics/recovery.js';
