/**
 * One process's upgrade requests that arrived and that its event loop has not reached yet, oldest
 * first: the backlog a policy that reads the run queue decides on (`Admission.readsBacklog`). Each
 * holds its packed connection and when it arrived.
 */
export class UpgradeBacklog {
  private args: number[] = [];
  private arrivedMs: number[] = [];
  private head = 0;

  get length(): number {
    return this.args.length - this.head;
  }

  push(arg: number, atMs: number): void {
    this.args.push(arg);
    this.arrivedMs.push(atMs);
  }

  /** When the oldest request arrived (NaN when empty). */
  oldestArrivedMs(): number {
    return this.arrivedMs[this.head] ?? NaN;
  }

  /** Takes the oldest request's packed connection. */
  shift(): number {
    const arg = this.args[this.head] as number;
    this.head++;
    if (this.head === this.args.length) this.clear();
    return arg;
  }

  /** Every request still waiting, oldest first, and the backlog emptied (the process died). */
  drain(): number[] {
    const waiting = this.args.slice(this.head);
    this.clear();
    return waiting;
  }

  private clear(): void {
    this.args = [];
    this.arrivedMs = [];
    this.head = 0;
  }
}
