/**
 * The folder `wsfleet plan` writes, drawn from its PlanResult alone:
 *
 *   PlanResult ──planFolderFiles──► plan.json, plan.csv, chosen.yaml, experiment.resolved.yaml,
 *                                   charts/plan-*.{vl.json,svg,png}, report.html
 *
 * Same result, same bytes: nothing here reads a clock, and every list is walked in the result's order.
 */
import { stringify } from 'csv-stringify/sync';
import { describeGridValue, UNITS } from '../metrics/index.js';
import type { PlanResult, PlanSlo, PlanTrial, PlanVerdict } from '../metrics/plan-result.js';
import { human, humanBeside } from './format.js';
import { chartFigure, escapeHtml, htmlPage, tableHtml, type HtmlTable } from './html.js';
import {
  bindingLabel,
  bindingSlo,
  confidenceText,
  costTitle,
  costText,
  measure,
  opSign,
  planChartName,
  planCharts,
  round6,
  sloResultOf,
  valueText,
} from './plan-charts.js';
import { unitOf } from './readable.js';
import type { NamedSpec } from './chart-requests.js';
import { chartFiles, type FolderFiles } from './write.js';

/** A CSV cell of a number: six significant digits; empty when not finite or absent. */
const num = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '' : String(round6(v)));

/** A configuration's setting as a CSV cell. */
const settingCell = (v: unknown): string => (v === undefined ? '' : typeof v === 'number' ? num(v) : describeGridValue(v));

/** Every settings key over the configurations, sorted. */
const settingKeys = (result: PlanResult): string[] => [...new Set(result.configs.flatMap((c) => Object.keys(c.settings)))].sort();

/**
 * plan.csv: one row per trial in the order tried: the configuration's label and settings, the
 * searched value, cost, fault, replications and warm-up, then mean, one-sided half-width and verdict
 * of every SLO (columns `<metric>.mean|ci|verdict`; `<metric><op><bound>.…` when two SLOs bound one
 * metric), the trial's verdict and the SLO that decided a failure.
 */
export function planCsv(result: PlanResult): string {
  const keys = settingKeys(result);
  // Two SLOs on one metric (a floor and a ceiling) are told apart by their bounds.
  const prefix = (s: PlanSlo): string => (result.slos.filter((o) => o.metric === s.metric).length > 1 ? `${s.metric}${s.op}${String(s.bound)}` : s.metric);
  const header = ['config', ...keys, result.search.path, 'cost', 'fault', 'replications', 'warmup_ms', ...result.slos.flatMap((s) => [`${prefix(s)}.mean`, `${prefix(s)}.ci`, `${prefix(s)}.verdict`]), 'verdict', 'binding'];
  const rows = result.trials.map((t) => {
    const config = result.configs[t.config];
    const slos = result.slos.flatMap((s, k) => {
      const r = sloResultOf(t, s, k);
      return [num(r?.mean), num(r?.ci), r?.verdict ?? ''];
    });
    return [config?.label ?? String(t.config), ...keys.map((k) => settingCell(config?.settings[k])), num(t.value), num(t.cost), result.faults[t.fault]?.label ?? String(t.fault), String(t.replications), num(t.warmupMs), ...slos, t.verdict, t.binding ?? ''];
  });
  return stringify([header, ...rows]);
}

const MARK: Record<PlanVerdict, string> = { pass: '✓', fail: '✗', unclear: '?' };

const configLabel = (result: PlanResult, k: number): string => result.configs[k]?.label ?? `configuration ${String(k)}`;
const faultLabel = (result: PlanResult, k: number): string => result.faults[k]?.label ?? `fault ${String(k)}`;

/** How far past its bound a mean is, in words: `22.4 % over the bound`. */
const pastBound = (by: number, op: PlanSlo['op'] | undefined): string => `${human(Math.abs(by) * 100)} % ${op === '>=' ? 'short of' : op === '<=' ? 'over' : 'past'} the bound`;

/** A failing trial's binding SLO in words: `connect.latencyMs.p99 ≤ 500 (612 ms against 500 ms)`. */
function failureText(result: PlanResult, trial: PlanTrial): string {
  const slo = bindingSlo(result, trial.binding);
  const k = slo === undefined ? -1 : result.slos.indexOf(slo);
  const r = slo === undefined ? undefined : sloResultOf(trial, slo, k);
  if (slo === undefined || r === undefined) return bindingLabel(result, trial.binding) || 'an SLO';
  const m = measure(slo.metric, [r.mean, slo.bound]);
  return `${slo.label} (mean ${m.say(r.mean, slo.bound)} against ${m.say(slo.bound)})`;
}

/** What the page says when no configuration passes: per configuration, what failed at the largest value it tried. */
function noAnswerText(result: PlanResult): string {
  const lines = result.configs.flatMap((_, c) => {
    const trials = result.trials.filter((t) => t.config === c);
    if (trials.length === 0) return [];
    const top = Math.max(...trials.map((t) => t.value));
    const failed = trials.filter((t) => t.value === top && t.verdict === 'fail');
    if (failed.length === 0) return [];
    return [`${configLabel(result, c)} at ${valueText(result, top)} fails ${failed.map((t) => `${failureText(result, t)} under ${faultLabel(result, t.fault)}`).join(', and ')}`];
  });
  return `No configuration passes every SLO under every fault.${lines.length === 0 ? '' : ` At the largest value tried: ${lines.join('; ')}.`}`;
}

/** Theory's estimate beside the simulated answer, or beside every configuration when there is none. */
function theoryText(result: PlanResult): string | undefined {
  const says = (c: number): string | undefined => {
    const t = result.theory.configs[c];
    if (t === undefined) return undefined;
    const reasons = t.bounds.map((b) => `${b.reason}: ${human(b.value)}`).join('; ');
    return `${valueText(result, t.value)}${reasons === '' ? '' : ` (${reasons})`}`;
  };
  const { answer } = result;
  if (answer === null) {
    const each = result.configs.flatMap((_, c) => {
      const t = says(c);
      return t === undefined ? [] : [`${t} for ${configLabel(result, c)}`];
    });
    return each.length === 0 ? undefined : `Theory asks for ${each.join('; ')}; no configuration passed in the simulation.`;
  }
  const t = says(answer.config);
  const theory = result.theory.configs[answer.config]?.value;
  if (t === undefined || theory === undefined) return undefined;
  const d = answer.value - theory;
  const gap = d === 0 ? ', as theory says' : `, ${human(Math.abs(d))} ${d > 0 ? 'more' : 'fewer'} than theory`;
  return `For ${configLabel(result, answer.config)}, theory asks for ${t}; the simulation needs ${valueText(result, answer.value)}${gap}.`;
}

/** Why the next cheaper fleet tried is not the answer. */
function whyNotCheaperText(result: PlanResult): string | undefined {
  const n = result.nextCheaper;
  if (n === null) return result.answer === null ? undefined : 'No cheaper fleet was tried.';
  const slo = result.slos.find((s) => s.metric === n.metric && s.bound === n.bound) ?? result.slos.find((s) => s.metric === n.metric);
  const m = measure(n.metric, [n.mean, n.bound]);
  const [mean, bound] = [m.say(n.mean, n.bound), m.say(n.bound)];
  const sloText = slo === undefined ? n.metric : `${n.metric} (SLO ${opSign(slo.op)} ${bound})`;
  const tried = `The next cheaper fleet tried, ${configLabel(result, n.config)} at ${valueText(result, n.value)} (${costText(result, n.cost)})`;
  if (n.verdict === 'unclear') {
    return `${tried}, is not shown to meet ${sloText} under ${faultLabel(result, n.fault)}: ${mean} ± ${m.say(n.ci ?? 0)} after ${human(n.replications ?? 0)} replications, an interval that still reaches past the bound; the plan needs ${String(Math.round(result.confidence * 100))} % confidence.`;
  }
  return `${tried}, fails under ${faultLabel(result, n.fault)}: ${sloText} was ${mean} against a bound of ${bound}, ${pastBound(n.by, slo?.op)}.`;
}

/** The configurations: status, theory's estimate and reasons, the answer and its cost. */
function configTable(result: PlanResult): HtmlTable {
  return {
    caption: 'Configurations (plan.json configs)',
    header: ['configuration', 'status', 'theory', "theory's reasons", `answer (${result.search.path})`, 'cost'],
    rows: result.configs.map((c, k) => {
      const t = result.theory.configs[k];
      const at = c.answer === null ? undefined : result.trials.find((x) => x.config === k && x.value === c.answer);
      return [
        c.label,
        `${c.status}${result.answer?.config === k ? ' (chosen)' : ''}`,
        t === undefined ? '–' : human(t.value),
        t === undefined ? '' : t.bounds.map((b) => `${b.reason}: ${human(b.value)}`).join('; '),
        c.answer === null ? '–' : human(c.answer),
        at === undefined ? '–' : costText(result, at.cost),
      ];
    }),
    textColumns: [1, 3],
  };
}

/** Every trial in the order tried, each SLO as mean ± half-width with ✓, ✗ or ?. */
function trialTable(result: PlanResult): HtmlTable {
  const unitLabel = (metric: string): string => {
    const unit = unitOf(metric);
    return unit === undefined ? '' : ` (${UNITS[unit]})`;
  };
  return {
    caption: `Every trial (plan.csv): mean over replications ± the one-sided ${confidenceText(result)} half-width; ✓ passes, ✗ fails, ? unclear`,
    header: ['configuration', result.search.path, costTitle(result), 'fault', 'replications', 'warm-up', ...result.slos.map((s) => `${s.label}${unitLabel(s.metric)}`), 'verdict', 'binding'],
    rows: result.trials.map((t) => [
      configLabel(result, t.config),
      human(t.value),
      human(round6(t.cost)),
      faultLabel(result, t.fault),
      human(t.replications),
      t.warmupMs === null ? '–' : `${human(t.warmupMs / 1000)} s`,
      ...result.slos.map((s, k) => {
        const r = sloResultOf(t, s, k);
        if (r === undefined) return '–';
        return `${humanBeside(r.mean, s.bound)}${t.replications > 1 ? ` ± ${human(r.ci)}` : ''} ${MARK[r.verdict]}`;
      }),
      t.verdict,
      bindingLabel(result, t.binding),
    ]),
    textColumns: [3, result.slos.length + 6, result.slos.length + 7],
  };
}

/** One line under a chart of the plan. */
function planCaption(result: PlanResult, name: string): string {
  if (name === 'plan-binding') {
    const c = result.answer === null ? '' : configLabel(result, result.answer.config);
    return `For ${c}: the smallest ${result.search.path} that passed under each fault, and the SLO that failed just below it.`;
  }
  const metric = result.slos.find((s) => name === planChartName(s.metric))?.metric ?? name.replace(/^plan-/, '');
  return `${metric} at every configuration and value tried, against the objective: a colour per fault, circles pass, crosses fail; the dashed line is the SLO bound.`;
}

const PLAN_STYLE = `
.answer{font-size:1.25rem;font-weight:bold;border-left:4px solid #4c78a8;background:#f3f6fa;padding:.5rem .9rem}.answer.none{border-left-color:#c0392b}`;

/** report.html of a plan folder. `chosenFile` is the chosen fleet's experiment file when the folder holds one. */
export function planReportHtml(result: PlanResult, charts: readonly NamedSpec[], baseYaml: string, chosenFile: string | null): string {
  const p = (text: string | undefined, cls = ''): string => (text === undefined ? '' : `<p${cls === '' ? '' : ` class="${cls}"`}>${escapeHtml(text)}</p>`);
  const sub = `plan · ${human(result.configs.length)} configurations × ${human(result.faults.length)} faults · ${human(result.runs)} simulations · seed ${String(result.seed)} · ${confidenceText(result)} confidence · ${result.search.path} searched from ${human(result.search.min)} to ${human(result.search.max)}`;
  const theory = theoryText(result);
  const whyNot = whyNotCheaperText(result);
  const chosen =
    chosenFile === null
      ? ''
      : `<p>The chosen fleet as an experiment: <a href="${escapeHtml(encodeURI(chosenFile))}">${escapeHtml(chosenFile)}</a>. <code>wsfleet run ${escapeHtml(chosenFile)}</code> reproduces it.</p>`;
  const figures = charts.map((c, k) => chartFigure(k, c.name, escapeHtml(planCaption(result, c.name))));
  const body = [
    `<h1>${escapeHtml(result.name)}</h1>`,
    p(sub, 'sub'),
    p(result.question, 'question'),
    p(result.sentence, result.answer === null ? 'answer none' : 'answer'),
    result.answer === null ? p(noAnswerText(result)) : '',
    chosen,
    theory === undefined ? '' : `<h2>Theory vs simulation</h2>\n${p(theory)}`,
    whyNot === undefined ? '' : `<h2>Why not cheaper</h2>\n${p(whyNot)}`,
    '<h2>Charts</h2>',
    figures.length > 0 ? figures.join('\n') : '<p>No SLOs, so no charts.</p>',
    '<h2>Configurations</h2>',
    tableHtml(configTable(result)),
    '<h2>Every trial</h2>',
    tableHtml(trialTable(result)),
    '<h2>Parameters</h2>',
    `<details><summary>The resolved base experiment (experiment.resolved.yaml)</summary>\n<pre>${escapeHtml(baseYaml)}</pre></details>`,
  ].filter((s) => s !== '');
  return htmlPage({ title: result.name, body: body.join('\n'), specs: charts.map((c) => c.spec), style: PLAN_STYLE });
}

/**
 * Every file of a plan folder: plan.json, plan.csv, the chosen fleet's experiment (when there is an
 * answer and its YAML), the resolved base experiment, the charts (spec, SVG, PNG) and report.html.
 */
export async function planFolderFiles(result: PlanResult, chosenYaml: string | null, baseYaml: string): Promise<FolderFiles> {
  const chosenFile = chosenYaml !== null && result.answer !== null ? result.answer.experimentFile : null;
  const files: FolderFiles = {
    'plan.json': JSON.stringify(result, null, 2) + '\n',
    'plan.csv': planCsv(result),
    ...(chosenFile === null || chosenYaml === null ? {} : { [chosenFile]: chosenYaml }),
    'experiment.resolved.yaml': baseYaml,
  };
  const charts = planCharts(result);
  for (const { name, spec } of charts) Object.assign(files, await chartFiles(name, spec));
  files['report.html'] = planReportHtml(result, charts, baseYaml, chosenFile);
  return files;
}
