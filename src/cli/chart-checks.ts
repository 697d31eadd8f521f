import { messageMetrics, type Experiment } from '../experiment/index.js';
import type { RunResult } from '../experiment/index.js';
import { InputError } from './errors.js';

type Problem = { path: string; message: string };

const fail = (file: string, problems: Problem[], written: string): never => {
  throw new InputError(`${problems.map((p) => `✖ ${file} ${p.path}: ${p.message}`).join('\n')}\n${written}`);
};

const oneOfList = (names: readonly string[]): string => (names.length > 12 ? `${names.slice(0, 12).join(', ')}, …` : names.join(', '));

/**
 * What cannot work whatever the run gives: sweep charts without a sweep, an x that is not a grid
 * path, an alert on a message column without messages.
 */
export function checkChartsBeforeRun(file: string, e: Experiment): void {
  const problems: Problem[] = [];
  e.alerts.forEach((a, k) => {
    if (e.messages === null && a.aggregate === undefined && a.scope === 'fleet' && messageMetrics.includes(a.metric)) {
      problems.push({ path: `alerts[${String(k)}].metric`, message: `expected a messages: section; ${a.metric} is sampled only with messages` });
    }
  });
  e.charts.forEach((c, k) => {
    if (typeof c === 'string' || c['sweep-curve'] === undefined) return;
    const grid = Object.keys(e.sweep?.grid ?? {});
    if (e.sweep === undefined) problems.push({ path: `charts[${String(k)}].sweep-curve`, message: 'expected a sweep block; a sweep curve plots variants' });
    else if (!grid.includes(c['sweep-curve'].x)) problems.push({ path: `charts[${String(k)}].sweep-curve.x`, message: `expected a sweep.grid path (${grid.join(', ')}), got '${c['sweep-curve'].x}'` });
  });
  if (problems.length > 0) fail(file, problems, 'Nothing was run or written.');
}

/** Names that only a run can tell apart (summary metrics, time-series columns), checked on the first result before anything is written. */
export function checkNamesAgainstResult(file: string, e: Experiment, result: RunResult): void {
  const metrics = Object.keys(result.summary);
  const columns = result.timeseries.columns;
  const problems: Problem[] = [];
  const metric = (path: string, name: string): void => {
    if (!metrics.includes(name)) problems.push({ path, message: `unknown metric ${name}; expected one of: ${oneOfList(metrics)}` });
  };
  const column = (path: string, name: string): void => {
    if (!columns.includes(name)) problems.push({ path, message: `unknown time-series column ${name}; expected one of: ${oneOfList(columns)}` });
  };
  e.sweep?.compare.forEach((m, k) => {
    metric(`sweep.compare[${String(k)}]`, m);
  });
  e.sweep?.compareSeries.forEach((c, k) => {
    column(`sweep.compareSeries[${String(k)}]`, c);
  });
  e.charts.forEach((c, k) => {
    if (typeof c === 'string') return;
    if (c['by-variant'] !== undefined) column(`charts[${String(k)}].by-variant.column`, c['by-variant'].column);
    if (c['sweep-curve'] !== undefined) metric(`charts[${String(k)}].sweep-curve.metric`, c['sweep-curve'].metric);
  });
  if (problems.length > 0) fail(file, problems, 'Nothing was written.');
}
