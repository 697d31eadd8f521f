/** A growable FIFO ring of numbers on a Float64Array. */
export class Ring {
  private items: Float64Array;
  private head = 0;
  /** Number of queued items. */
  size = 0;

  constructor(capacity = 1024) {
    this.items = new Float64Array(capacity);
  }

  push(value: number): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size++) & (this.items.length - 1)] = value;
  }

  /** Removes and returns the oldest item; the ring must not be empty. */
  shift(): number {
    const value = this.items[this.head] as number;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.size--;
    return value;
  }

  private grow(): void {
    const next = new Float64Array(this.items.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.items[(this.head + i) & (this.items.length - 1)] as number;
    this.items = next;
    this.head = 0;
  }
}
