import type { HealthCheckSpec } from './config.js';

/** A balancer's belief about one backend, moved by consecutive check results (HAProxy rise/fall). */
export class HealthState {
  healthy = true;
  private passes = 0;
  private failures = 0;

  constructor(private readonly spec: HealthCheckSpec) {}

  markDown(): void {
    this.healthy = false;
    this.passes = 0;
    this.failures = this.spec.fall;
  }

  /** Records one check; returns true when the belief flips. */
  record(passed: boolean): boolean {
    if (passed) {
      this.failures = 0;
      this.passes++;
      if (!this.healthy && this.passes >= this.spec.rise) {
        this.healthy = true;
        return true;
      }
    } else {
      this.passes = 0;
      this.failures++;
      if (this.healthy && this.failures >= this.spec.fall) {
        this.healthy = false;
        return true;
      }
    }
    return false;
  }
}
