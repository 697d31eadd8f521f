/** The balancer's rise/fall belief is shared with real mode; the sim's name for it. */
export { HealthCounter as HealthState } from '../strategies/index.js';
