/** A gauge whose time average is exact: it integrates value × time between changes. */
export class TimeWeighted {
  private value = 0;
  private sinceMs: number;
  private area = 0;
  private readonly startMs: number;

  constructor(startMs = 0) {
    this.startMs = startMs;
    this.sinceMs = startMs;
  }

  get current(): number {
    return this.value;
  }

  add(nowMs: number, delta: number): void {
    this.set(nowMs, this.value + delta);
  }

  set(nowMs: number, value: number): void {
    this.area += this.value * (nowMs - this.sinceMs);
    this.sinceMs = nowMs;
    this.value = value;
  }

  /** ∫ value dt from the start to `nowMs`. */
  integral(nowMs: number): number {
    return this.area + this.value * (nowMs - this.sinceMs);
  }

  /** Time average from the start to `nowMs`. */
  mean(nowMs: number): number {
    const span = nowMs - this.startMs;
    return span > 0 ? this.integral(nowMs) / span : this.value;
  }
}
