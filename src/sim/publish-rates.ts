import { compileDistribution, type Distribution, type DistributionSpec, type Rng } from '../engine/index.js';
import { growColumns } from './columns.js';

/** Rebuild the tree from its leaves after this many updates per leaf, so rounding never piles up. */
const REBUILD_PER_LEAF = 4;

/**
 * Per-client publish rates (`messages.clientPerSec` as a distribution): each client draws its rate
 * once, and the connected clients' publishes are the superposition of their Poisson streams, a
 * Poisson stream at the sum of their rates whose next publisher is client i with probability
 * rate_i / sum. The rates sit in a Fenwick tree over the positions of the pub/sub room's dense list
 * of connected clients, so joining, leaving and picking are O(log n).
 */
export class PublishRates {
  private readonly draw: Distribution;
  private rate = new Float64Array(1024);
  /** The rate at each position of the live list, and the Fenwick tree over them (1-based). */
  private leaf = new Float64Array(1024);
  private tree = new Float64Array(1025);
  /** The largest power of two within the tree: where a pick's descent starts. */
  private topStep = 1024;
  private updates = 0;

  constructor(
    spec: DistributionSpec,
    private readonly rng: Rng,
  ) {
    this.draw = compileDistribution(spec);
  }

  /** A new client draws its rate. */
  addClient(i: number): void {
    if (i >= this.rate.length) this.rate = growColumns({ rate: this.rate }, Math.max(i + 1, this.rate.length * 2)).rate;
    this.rate[i] = this.draw.sample(this.rng);
  }

  rateOf(i: number): number {
    return this.rate[i] as number;
  }

  /** Client i now holds position `pos` of the live list (it joined, or moved there when another left). */
  place(pos: number, i: number): void {
    this.set(pos, this.rate[i] as number);
  }

  /** Position `pos` of the live list is empty (the list shrank). */
  clear(pos: number): void {
    this.set(pos, 0);
  }

  /** The sum of the connected clients' rates, per second. */
  total(live: number): number {
    return live === 0 ? 0 : this.prefix(live);
  }

  /** The live-list position whose client publishes next, for u uniform in [0, 1). */
  pick(u: number, live: number): number {
    let target = u * this.total(live);
    let pos = 0;
    for (let step = this.topStep; step > 0; step >>= 1) {
      const next = pos + step;
      if (next < this.tree.length && (this.tree[next] as number) <= target) {
        pos = next;
        target -= this.tree[next] as number;
      }
    }
    // `pos` leaves have a sum ≤ target, so leaf `pos` (0-based) is the one; rounding can point past the end.
    return Math.min(pos, live - 1);
  }

  private set(pos: number, value: number): void {
    if (pos >= this.leaf.length) this.grow(pos + 1);
    const delta = value - (this.leaf[pos] as number);
    this.leaf[pos] = value;
    if (delta === 0) return;
    if (++this.updates > REBUILD_PER_LEAF * this.leaf.length) {
      this.rebuild();
      return;
    }
    for (let k = pos + 1; k < this.tree.length; k += k & -k) this.tree[k] = (this.tree[k] as number) + delta;
  }

  private prefix(count: number): number {
    let sum = 0;
    for (let k = count; k > 0; k -= k & -k) sum += this.tree[k] as number;
    return sum;
  }

  private grow(min: number): void {
    let size = this.leaf.length;
    while (size < min) size *= 2;
    this.leaf = growColumns({ leaf: this.leaf }, size).leaf;
    this.topStep = size;
    this.rebuild();
  }

  /** The tree from its leaves in O(n): each node adds itself to its parent. */
  private rebuild(): void {
    const n = this.leaf.length;
    const tree = new Float64Array(n + 1);
    tree.set(this.leaf, 1);
    for (let k = 1; k <= n; k++) {
      const parent = k + (k & -k);
      if (parent <= n) tree[parent] = (tree[parent] as number) + (tree[k] as number);
    }
    this.tree = tree;
    this.updates = 0;
  }
}
