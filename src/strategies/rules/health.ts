/** The counts of a health check: consecutive results that flip the belief. */
export interface RiseFall {
  /** Consecutive passes that bring a DOWN backend UP. */
  readonly rise: number;
  /** Consecutive failures that take an UP backend DOWN. */
  readonly fall: number;
}

/**
 * A balancer's belief about one backend, moved by consecutive check results as HAProxy's rise/fall
 * (https://docs.haproxy.org/2.8/configuration.html#5.2-rise): `fall` failures in a row take an UP
 * backend DOWN, `rise` passes in a row bring a DOWN one UP, and any other result resets the opposite run.
 *
 * A backend starts UP with a full run ahead of it (`fall` failures to go down): HAProxy's
 * `init-state fully-up`. HAProxy's own default starts a server UP but takes it down at the first
 * failed check; this model keeps the fully-up start. `markDown` is the state of a server that left
 * maintenance or has just been added: DOWN until `rise` passes.
 */
export class HealthCounter {
  healthy = true;
  private passes = 0;
  private failures = 0;

  constructor(private readonly spec: RiseFall) {}

  /** DOWN, as if `fall` checks had just failed. */
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

/**
 * When each of `count` backends is first checked, spread uniformly over the first interval as HAProxy
 * spreads them: one draw per backend, in order. Balancer b of a tier that shares one stream takes
 * entries b × count … (b + 1) × count − 1 of `firstCheckOffsetsMs(rng, intervalMs, tier × count)`.
 */
export function firstCheckOffsetsMs(rng: { next(): number }, intervalMs: number, count: number): number[] {
  return Array.from({ length: count }, () => rng.next() * intervalMs);
}
