/**
 * The hold-1M rows by CPU time, for a loaded machine: `node --expose-gc --import tsx bench/hold-cpu.ts [pairs]`.
 *
 * `npm run bench -- --only=hold` times by wall clock and stops after a 10 s budget, so at a load of
 * 8 on two cores it compares one pair, and a run descheduled mid-trial moves the ratio by ±0.2.
 * This builds the same three models once (1 M pending timers each), runs one untimed round, then
 * `pairs` rounds of 1 M events per model in rotating order, and prints the median CPU-time ratio of
 * each engine model to the baseline heap.
 */
import { baselineHold, engineHoldAt, engineHoldTimer, type HoldParams } from './hold.js';
import { collectGarbage, median } from './measure.js';

const EVENTS = 1_000_000;

function cpuMs(run: () => void): number {
  collectGarbage();
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function main(pairs: number): void {
  const p: HoldParams = { pending: 1_000_000, meanDelayMs: 1000, seed: 2 };
  const models = [baselineHold(p), engineHoldAt(p), engineHoldTimer(p)];
  for (const m of models) m.run(EVENTS);
  const ms: number[][] = models.map(() => []);
  for (let k = 0; k < pairs; k++) {
    for (let j = 0; j < models.length; j++) {
      const at = (j + k) % models.length;
      (ms[at] as number[]).push(cpuMs(() => (models[at] as (typeof models)[number]).run(EVENTS)));
    }
  }
  const base = median(ms[0] as number[]);
  const ratio = (k: number): string => (base / median(ms[k] as number[])).toFixed(2);
  console.log(`hold-1M ${ratio(1)}  hold-1M-timer ${ratio(2)}  (CPU-time ratios to the baseline heap, median of ${String(pairs)}; baseline ${base.toFixed(0)} ms per 1 M events)`);
}

main(Number(process.argv[2] ?? 15));
