import type { ConnectionView, ServerLoadView } from './types.js';

/** Orders connections by shedding priority: negative when `a` should close before `b`. */
export type ShedOrder = (a: ConnectionView, b: ConnectionView) => number;

/** Throws unless `count` is a whole number ≥ 0. */
export function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new TypeError(`Expected \`count\` to be an integer from 0 and up, got ${String(count)}`);
  }
}

/**
 * The ids of the first min(count, n) connections under `order`, first to close first; exact ties keep
 * input order. A bounded max-heap makes it O(n log count), so shedding a few of many is cheap; a quarter or more is a sort.
 */
export function firstBy(connections: readonly ConnectionView[], count: number, order: ShedOrder): number[] {
  checkCount(count);
  const k = Math.min(count, connections.length);
  if (k === 0) return [];
  const at = (i: number): ConnectionView => connections[i] as ConnectionView;
  const before = (i: number, j: number): boolean => {
    const c = order(at(i), at(j));
    return c < 0 || (c === 0 && i < j);
  };
  const byOrder = (i: number, j: number): number => (i === j ? 0 : before(i, j) ? -1 : 1);
  if (4 * k >= connections.length) return sortedIndices(connections.length, byOrder).slice(0, k).map((i) => at(i).id);
  const heap = new BoundedWorstFirst(k, before);
  for (let i = 0; i < connections.length; i++) heap.offer(i);
  return heap.sorted(byOrder).map((i) => at(i).id);
}

/** Indices 0..n−1 sorted by `byOrder`. */
function sortedIndices(n: number, byOrder: (i: number, j: number) => number): number[] {
  return Array.from({ length: n }, (_, i) => i).sort(byOrder);
}

/** Swaps two heap slots. */
function swap(items: number[], i: number, j: number): void {
  const t = items[i] as number;
  items[i] = items[j] as number;
  items[j] = t;
}

/** Keeps the `size` best indices seen, with the worst of them at the root. */
class BoundedWorstFirst {
  private readonly items: number[] = [];

  constructor(
    private readonly size: number,
    private readonly before: (i: number, j: number) => boolean,
  ) {}

  offer(i: number): void {
    const items = this.items;
    if (items.length < this.size) {
      items.push(i);
      this.up(items.length - 1);
    } else if (this.before(i, items[0] as number)) {
      items[0] = i;
      this.down(0);
    }
  }

  sorted(byOrder: (i: number, j: number) => number): number[] {
    return [...this.items].sort(byOrder);
  }

  private up(k: number): void {
    const items = this.items;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.before(items[parent] as number, items[k] as number)) return;
      swap(items, parent, k);
      k = parent;
    }
  }

  private down(k: number): void {
    const items = this.items;
    for (;;) {
      let worst = k;
      const left = 2 * k + 1;
      if (left < items.length && this.before(items[worst] as number, items[left] as number)) worst = left;
      if (left + 1 < items.length && this.before(items[worst] as number, items[left + 1] as number)) worst = left + 1;
      if (worst === k) return;
      swap(items, worst, k);
      k = worst;
    }
  }
}

/** How many established connections to shed to get back to at most `limit`; 0 when at or under it. */
export function excessOver(view: ServerLoadView, limit: number): number {
  if (!(limit >= 0)) throw new TypeError(`Expected \`limit\` to be a number from 0 and up, got ${String(limit)}`);
  return Math.max(0, Math.ceil(view.connections - limit));
}
