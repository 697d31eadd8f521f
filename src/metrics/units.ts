/** Units of metrics and columns, as docs/metrics.md and report.html print them. */
export const UNITS = {
  count: 'count',
  ms: 'ms',
  bytes: 'bytes',
  share: 'share 0–1',
  ratio: 'ratio',
  'per-sec': 'per second',
} as const;
export type Unit = keyof typeof UNITS;

/** Where a metric comes from: the simulator, real sockets on loopback, or both. */
export type World = 'sim' | 'real';

/** Present only when the experiment has this part. */
export type Condition = 'messages' | 'polling' | 'scale-out' | 'alerts' | 'sweep' | 'broker-crash' | 'client-cpu' | 'browser';

/** What a time-series column means. */
export interface ColumnInfo {
  unit: Unit;
  worlds: readonly World[];
  doc: string;
  when?: Condition;
}
