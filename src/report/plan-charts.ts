/**
 * The charts of a plan folder, drawn from plan.json alone:
 *
 *   PlanResult ──planCharts──► plan-binding (which SLO sized the chosen configuration under each fault)
 *                              plan-<metric> (each SLO's metric against cost, every trial, the bound drawn)
 *
 * and the readings of a plan the page shares with them: a trial's result for an SLO, the binding SLO
 * per fault, values, costs and metric amounts in words with their units.
 */
import { chartFileSafe, UNITS } from '../metrics/index.js';
import type { PlanResult, PlanSlo, PlanSloResult, PlanTrial, PlanVerdict } from '../metrics/plan-result.js';
import type { NamedSpec } from './chart-requests.js';
import { chartSize, seriesScheme } from './charts.js';
import { human, humanBeside, humanScaled } from './format.js';
import { displayUnit, docOf, spansDecades, unitOf, withUnit, type DisplayUnit } from './readable.js';
import { chartConfig } from './theme.js';
import type { VlSpec } from './types.js';

const vlSchemaUrl = 'https://vega.github.io/schema/vega-lite/v6.json';
const boundColor = '#c0392b';

/** Six significant digits: what plan.csv and the chart data keep, so both stay short and stable. */
export const round6 = (v: number): number => Number(v.toPrecision(6));

/** A trial's result for the plan's `k`-th SLO: by position when the metric matches there, else the first with its metric. */
export function sloResultOf(trial: PlanTrial, slo: PlanSlo, k: number): PlanSloResult | undefined {
  const at = trial.slos[k];
  return at?.metric === slo.metric ? at : trial.slos.find((s) => s.metric === slo.metric);
}

/** The SLO a trial's `binding` names, by label or by metric. */
export function bindingSlo(result: PlanResult, binding: string | null): PlanSlo | undefined {
  if (binding === null) return undefined;
  return result.slos.find((s) => s.label === binding) ?? result.slos.find((s) => s.metric === binding);
}

/** The SLO's label for a binding, the binding itself when no SLO matches. */
export const bindingLabel = (result: PlanResult, binding: string | null): string => (binding === null ? '' : (bindingSlo(result, binding)?.label ?? binding));

/** True when the searched parameter is the server count, so its values read "17 servers". */
const searchesServers = (result: PlanResult): boolean => /(^|\.)servers$/.test(result.search.path);

/** A value of the searched parameter in words: `17 servers`, or `path = 250`. */
export function valueText(result: PlanResult, v: number): string {
  return searchesServers(result) ? `${human(v)} server${v === 1 ? '' : 's'}` : `${result.search.path} = ${human(v)}`;
}

/** An objective's value in words: `12.8 per hour`, `17 servers`, or `path = 250`. */
export function costText(result: PlanResult, cost: number): string {
  if (result.objective === 'cost') return `${human(cost)} per hour`;
  return result.objective === 'servers' ? `${human(cost)} server${cost === 1 ? '' : 's'}` : `${result.search.path} = ${human(cost)}`;
}

/** The objective's axis title. */
export function costTitle(result: PlanResult): string {
  if (result.objective === 'cost') return 'cost per hour';
  return result.objective === 'servers' ? 'servers' : valueTitle(result);
}

/** The searched parameter's axis title, with its unit where the path says it. */
function valueTitle(result: PlanResult): string {
  if (searchesServers(result)) return 'servers';
  const { path } = result.search;
  const last = path.split('.').pop() ?? path;
  return /Ms$/.test(last) ? `${path} (ms)` : path;
}

/** The words after a number for a display unit: none for counts, shares and ratios, else the unit. */
const unitSuffix = (unit: DisplayUnit): string => (['value', UNITS.count, UNITS.share, UNITS.ratio].includes(unit.label) ? '' : ` ${unit.label}`);

/** How amounts of one metric are written: in one unit chosen for all of `within`, e.g. `612 ms`, `1.2 s`, `0.998`. */
export interface Measure {
  factor: number;
  /** The number alone; beside a bound, with the digits that tell it from the bound. */
  number: (v: number, bound?: number) => string;
  /** The number and its unit. */
  say: (v: number, bound?: number) => string;
}

export function measure(metric: string, within: readonly number[]): Measure {
  const unit = displayUnit(unitOf(metric), within);
  const number = (v: number, bound?: number): string => (bound === undefined ? humanScaled(v, unit.factor) : humanBeside(v, bound, unit.factor));
  return { factor: unit.factor, number, say: (v, bound) => `${number(v, bound)}${unitSuffix(unit)}` };
}

/** `≤` or `≥`. */
export const opSign = (op: PlanSlo['op']): string => (op === '<=' ? '≤' : '≥');

/** The confidence as people write it: `95 %`. */
export const confidenceText = (result: PlanResult): string => `${human(result.confidence * 100)} %`;

/** For one fault, how the search settled on a configuration: its smallest passing value and the failing trial just below it. */
export interface FaultBinding {
  fault: number;
  /** The smallest value that passed under this fault, or null when none did. */
  smallestPass: number | null;
  /** The failing trial with the largest value below {@link smallestPass} (any failing trial when nothing passed). */
  failing: PlanTrial | undefined;
}

/** Per fault (in the plan's order), the smallest passing value of a configuration and the trial that failed just below it. */
export function bindingByFault(result: PlanResult, config: number): FaultBinding[] {
  return result.faults.map((_, fault) => {
    const trials = result.trials.filter((t) => t.config === config && t.fault === fault);
    const passes = trials.filter((t) => t.verdict === 'pass').map((t) => t.value);
    const smallestPass = passes.length === 0 ? null : Math.min(...passes);
    const failing = trials.filter((t) => t.verdict === 'fail' && (smallestPass === null || t.value < smallestPass)).reduce<PlanTrial | undefined>((best, t) => (best === undefined || t.value > best.value ? t : best), undefined);
    return { fault, smallestPass, failing };
  });
}

/** The worst of several verdicts: a failure over an unclear result over a pass. */
const worst = (verdicts: readonly PlanVerdict[]): PlanVerdict => (verdicts.includes('fail') ? 'fail' : verdicts.includes('unclear') ? 'unclear' : 'pass');

/** The file name of a metric's chart. */
export const planChartName = (metric: string): string => `plan-${chartFileSafe(metric)}`;

/** The plan's charts in the order the page shows them: the binding chart when there is an answer, then one per SLO metric. */
export function planCharts(result: PlanResult): NamedSpec[] {
  const metrics = [...new Set(result.slos.map((s) => s.metric))];
  return [...(result.answer === null ? [] : [{ name: 'plan-binding', spec: planBindingChart(result, result.answer.config) }]), ...metrics.map((m) => ({ name: planChartName(m), spec: planSloChart(result, m) }))];
}

/**
 * One SLO metric across every trial: x the objective, y the mean over replications with a bar to ±
 * its one-sided confidence bound, a colour per fault, a shape per verdict (circle passes, cross
 * fails, triangle unclear), thin lines joining a configuration's trials under one fault, and a
 * dashed rule at each bound on the metric, labelled past the plot's right edge where no point hides it. The y axis names the metric's unit
 * (seconds past 10 s) and turns logarithmic when the values are positive and span more than two
 * orders of magnitude.
 */
export function planSloChart(result: PlanResult, metric: string): VlSpec {
  const slos = result.slos.flatMap((s, k) => (s.metric === metric ? [{ slo: s, k }] : []));
  const measured = result.trials.flatMap((t) => {
    const rs = slos.flatMap(({ slo, k }) => sloResultOf(t, slo, k) ?? []);
    const first = rs[0];
    return first === undefined ? [] : [{ t, r: first, verdict: worst(rs.map((r) => r.verdict)) }];
  });
  const bounds = slos.map(({ slo }) => slo.bound);
  const means = measured.map((m) => m.r.mean);
  const unit = displayUnit(unitOf(metric), [...means, ...bounds]);
  const f = unit.factor;
  const m = measure(metric, [...means, ...bounds]);
  const plotted = [...means, ...bounds].filter((v) => Number.isFinite(v));
  const log = plotted.every((v) => v > 0) && spansDecades(plotted);
  const floor = log ? Math.min(...plotted) * f : -Infinity;
  const rows = measured.map(({ t, r, verdict }) => {
    const ci = Number.isFinite(r.ci) ? r.ci : 0;
    return {
      config: result.configs[t.config]?.label ?? String(t.config),
      fault: result.faults[t.fault]?.label ?? String(t.fault),
      series: `${String(t.config)}·${String(t.fault)}`,
      // One colour per configuration and fault when there are several configurations; per fault otherwise.
      key: result.configs.length > 1 ? `${result.configs[t.config]?.label ?? String(t.config)} · ${result.faults[t.fault]?.label ?? String(t.fault)}` : (result.faults[t.fault]?.label ?? String(t.fault)),
      value: t.value,
      cost: round6(t.cost),
      mean: round6(r.mean * f),
      low: round6(Math.max((r.mean - ci) * f, floor)),
      high: round6((r.mean + ci) * f),
      verdict,
      text: t.replications > 1 ? `${m.number(r.mean, bounds[0])} ± ${m.say(ci)}` : m.say(r.mean, bounds[0]),
      replications: t.replications,
    };
  });
  const ruleRows = slos.map(({ slo }) => ({ bound: round6(slo.bound * f), label: `SLO ${opSign(slo.op)} ${m.say(slo.bound)}` }));
  const faults = result.configs.length > 1 ? [...new Set(rows.map((r) => r.key))].sort() : result.faults.map((x) => x.label);
  const yTitle = withUnit(metric, unit);
  const whole = result.objective !== 'cost' ? { axis: { tickMinStep: 1, format: 'd' } } : {};
  const x = { field: 'cost', type: 'quantitative', title: costTitle(result), scale: { zero: false }, ...whole } as const;
  const y = { field: 'mean', type: 'quantitative', title: yTitle, ...(log ? { scale: { type: 'log' } } : { scale: { zero: false } }) } as const;
  const color = { field: 'key', type: 'nominal', title: result.configs.length > 1 ? 'configuration · fault' : 'fault', scale: { domain: faults, scheme: seriesScheme(faults.length) }, legend: { labelLimit: 420, orient: 'bottom', direction: 'vertical', symbolType: 'circle', symbolOpacity: 1 } } as const;
  const tooltip = [
    { field: 'config', type: 'nominal', title: 'configuration' },
    { field: 'value', type: 'quantitative', title: result.search.path },
    { field: 'cost', type: 'quantitative', title: costTitle(result) },
    { field: 'fault', type: 'nominal', title: 'fault' },
    { field: 'text', type: 'nominal', title: metric },
    { field: 'verdict', type: 'nominal', title: 'verdict' },
    { field: 'replications', type: 'quantitative', title: 'replications' },
  ];
  const doc = docOf(metric, 'summary');
  const sloText = ruleRows.map((r) => r.label.replace(/^SLO /, '')).join(' and ');
  return {
    $schema: vlSchemaUrl,
    title: {
      text: `${metric} of every fleet tried, by fault, against its SLO (${sloText})`,
      subtitle: [
        ...(doc === undefined ? [] : [`${metric}: ${doc}`]),
        `mean over replications, bar to ± the one-sided ${confidenceText(result)} bound; circle: passes, cross: fails, triangle: unclear`,
        `dashed line: the SLO bound${log ? '; logarithmic axis' : ''}`,
      ],
    },
    ...chartSize,
    config: chartConfig,
    data: { values: rows },
    layer: [
      { mark: { type: 'line', strokeWidth: 1, opacity: 0.4 }, encoding: { x, y, color, detail: { field: 'series', type: 'nominal' } } },
      { mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color } },
      {
        mark: { type: 'point', filled: true, size: 70, opacity: 0.9 },
        encoding: { x, y, color, shape: { field: 'verdict', type: 'nominal', title: 'SLO verdict', scale: { domain: ['pass', 'fail', 'unclear'], range: ['circle', 'cross', 'triangle-up'] }, legend: { orient: 'bottom', direction: 'vertical' } }, tooltip },
      },
      { data: { values: ruleRows }, mark: { type: 'rule', color: boundColor, strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y: { field: 'bound', type: 'quantitative' }, tooltip: { field: 'label', type: 'nominal' } } },
      {
        data: { values: ruleRows },
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 4, fontSize: 11, color: boundColor },
        encoding: { x: { value: 'width' }, y: { field: 'bound', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
      },
    ],
  } as VlSpec;
}

/**
 * Which SLO sized a configuration under each fault: a bar per fault at the smallest passing value,
 * labelled with the SLO that failed just below it, and theory's value as a dashed rule.
 */
export function planBindingChart(result: PlanResult, config: number): VlSpec {
  const label = result.configs[config]?.label ?? String(config);
  const rows = bindingByFault(result, config).map(({ fault, smallestPass, failing }) => {
    const why = failing === undefined ? 'passes at the smallest value tried' : `${bindingLabel(result, failing.binding) || 'a failure'} failed at ${human(failing.value)}`;
    return {
      fault: result.faults[fault]?.label ?? String(fault),
      value: smallestPass,
      at: smallestPass ?? 0,
      label: smallestPass === null ? 'no passing value' : `${human(smallestPass)}: ${why}`,
    };
  });
  const theory = result.theory.configs[config]?.value;
  const faults = rows.map((r) => r.fault);
  const xTitle = `smallest passing ${valueTitle(result)}`;
  const y = { field: 'fault', type: 'nominal', sort: faults, title: null, axis: { labelLimit: 360 } } as const;
  return {
    $schema: vlSchemaUrl,
    title: {
      text: `What sets ${result.search.path} for ${label}, fault by fault`,
      subtitle: [
        `bar: the smallest ${result.search.path} that passed every SLO under the fault; label: the SLO that failed just below it`,
        ...(theory === undefined ? [] : [`dashed line: theory's estimate, ${valueText(result, theory)}`]),
      ],
    },
    width: 480,
    height: { step: 28 },
    config: chartConfig,
    data: { values: rows },
    layer: [
      { mark: { type: 'bar', color: '#4c78a8' }, encoding: { y, x: { field: 'value', type: 'quantitative', title: xTitle, axis: { tickMinStep: 1, format: 'd' } }, tooltip: [{ field: 'fault', type: 'nominal' }, { field: 'label', type: 'nominal', title: 'binding' }] } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 }, encoding: { y, x: { field: 'at', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } } },
      ...(theory === undefined
        ? []
        : [
            {
              data: { values: [{ theory, label: `theory: ${human(theory)}` }] },
              mark: { type: 'rule', color: '#555555', strokeDash: [4, 3] },
              encoding: { x: { field: 'theory', type: 'quantitative' }, tooltip: { field: 'label', type: 'nominal' } },
            },
          ]),
    ],
  } as VlSpec;
}
