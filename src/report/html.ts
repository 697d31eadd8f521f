/**
 * report.html: one self-contained page per result folder, built from the folder's own files:
 *
 *   experiment.resolved.yaml + summary + charts/*.vl.json ──reportHtml──► HTML
 *
 * vega, vega-lite and vega-embed are inlined, so the page needs no network; charts are drawn in the
 * browser from their specs, with tooltips and (for time series) zoom and pan on the x axis.
 */
import { parse } from 'yaml';
import type { VlSpec } from './types.js';
import { vendorScript } from './vendor.js';
import { chartCaption } from './readable.js';
import { namedKeyChart } from './key-chart.js';
import { charts as fleetCharts } from './fleet-charts.js';

/** A table for the page: a header row and body rows of text. */
export interface HtmlTable {
  caption: string;
  header: string[];
  rows: string[][];
  /** Columns (by index) of words rather than numbers: left-aligned. */
  textColumns?: number[];
}

/** What the page shows. */
export interface ReportInput {
  /** The resolved experiment, as written to experiment.resolved.yaml. */
  resolvedYaml: string;
  /** Tables in order: e.g. the summary, then alerts. */
  tables: HtmlTable[];
  /** Charts by name, in order. */
  charts: { name: string; spec: VlSpec }[];
  /** A line under the title, e.g. "sweep: 4 variants × 3 replications". */
  subtitle: string;
  /** "What happened": sentences told from the run's events and summary (story.ts). @default [] */
  story?: readonly string[];
}

/** Text safe inside elements and double-quoted attributes. */
export const escapeHtml = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** JSON inside a script element: `<` escaped so no text can close the element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replaceAll('<', '\\u003c');

/** A table with a caption; the first cell of each row is its header. */
export function tableHtml(t: HtmlTable): string {
  const head = `<tr>${t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const td = (c: string, k: number): string => (t.textColumns?.includes(k) ? `<td class="text">${escapeHtml(c)}</td>` : `<td>${escapeHtml(c)}</td>`);
  const body = t.rows.map((r) => `<tr>${r.map((c, k) => (k === 0 ? `<th scope="row">${escapeHtml(c)}</th>` : td(c, k))).join('')}</tr>`).join('\n');
  return `<table><caption>${escapeHtml(t.caption)}</caption>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** The look every page shares. */
export const STYLE = `body{font:15px/1.45 "DejaVu Sans",system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
h1{font-size:1.6rem;margin-bottom:.2rem}.sub{color:#666;margin-top:0}.question{font-size:1.1rem}
table{border-collapse:collapse;margin:1rem 0;font-size:13px}caption{text-align:left;font-weight:bold;padding:.3rem 0}
th,td{border-bottom:1px solid #ddd;padding:.2rem .6rem;text-align:right}th[scope=row],thead th:first-child,td.text{text-align:left}
pre{background:#f6f6f6;padding:1rem;overflow:auto;font-size:12px}.chart{margin:1.5rem 0}figure{margin:0}figcaption{color:#444;font-size:13px}figcaption .file{color:#888}`;

/** Adds tooltips, and x-axis zoom and pan to layered time series, for the page only (files keep the static spec). */
const INTERACTIVE = `function interactive(spec){
  var s=JSON.parse(JSON.stringify(spec));
  var layers=s.layer||[s];
  layers.forEach(function(l){if(l.mark&&typeof l.mark==='object'&&l.mark.type!=='text'&&l.mark.type!=='rule'){l.mark.tooltip=true;}});
  // Zoom binds the scales, which clips every layer to the plot; fault labels sit above it and must stay visible.
  layers.forEach(function(l){if(l.mark&&typeof l.mark==='object'&&l.mark.type==='text'){l.mark.clip=false;}});
  var line=layers.find(function(l){return l.mark&&l.mark.type==='line'&&l.encoding&&l.encoding.x&&l.encoding.x.field==='t';});
  if(line){line.params=[{name:'zoom',select:{type:'interval',encodings:['x']},bind:'scales'}];}
  return s;
}`;

/** One chart's place on the page: the `k`-th spec is drawn into it; the caption is HTML, followed by the spec's file name. */
export function chartFigure(k: number, name: string, captionHtml: string): string {
  return `<figure class="chart"><div id="chart-${String(k)}"></div><figcaption>${captionHtml} <span class="file">(charts/${escapeHtml(name)}.vl.json)</span></figcaption></figure>`;
}

/** What a page holds besides its look: the title, the body's HTML (whose figures are numbered as the specs are) and the chart specs. */
export interface HtmlPage {
  title: string;
  body: string;
  specs: readonly VlSpec[];
  /** CSS after {@link STYLE}. @default '' */
  style?: string;
}

/** A self-contained page: {@link STYLE}, the body, then vega inlined and every spec drawn into its figure. Same input, same bytes. */
export function htmlPage(page: HtmlPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · wsfleet</title>
<style>${STYLE}${page.style ?? ''}</style>
</head>
<body>
${page.body}
<script>${vendorScript()}</script>
<script id="specs" type="application/json">${scriptJson(page.specs)}</script>
<script>
${INTERACTIVE}
var specs=JSON.parse(document.getElementById('specs').textContent);
specs.forEach(function(spec,k){
  vegaEmbed('#chart-'+k,interactive(spec),{renderer:'svg',actions:{export:true,source:true,compiled:false,editor:false}})
    .catch(function(err){console.error('chart '+k+': '+err);});
});
</script>
</body>
</html>
`;
}

/** The whole page. Same input, same bytes. */
export function reportHtml(input: ReportInput): string {
  const e = (parse(input.resolvedYaml) ?? {}) as { name?: string; question?: string; lookAt?: string; keyChart?: string };
  const title = e.name ?? 'wsfleet result';
  // The chart the experiment names as its answer comes first.
  const key = namedKeyChart(e, input.charts.map((c) => c.name));
  const ordered = [...input.charts.filter((c) => c.name === key), ...input.charts.filter((c) => c.name !== key)];
  const charts = ordered.map((c, k) =>
    chartFigure(k, c.name, `${escapeHtml(chartCaption(c.name, fleetCharts))}${c.name === key ? ' <strong class="key">The key chart: what to look at names it.</strong>' : ''}`),
  );
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="sub">${escapeHtml(input.subtitle)}</p>
<p class="question">${escapeHtml(e.question ?? '')}</p>
${e.lookAt === undefined ? '' : `<p><strong>What to look at:</strong> ${escapeHtml(e.lookAt)}</p>`}
${input.story === undefined || input.story.length === 0 ? '' : `<h2>What happened</h2>\n<p class="story">${escapeHtml(input.story.join(' '))}</p>`}
<h2>Charts</h2>
${charts.length > 0 ? charts.join('\n') : '<p>No charts were asked for (add <code>charts:</code> to the experiment).</p>'}
<h2>Results</h2>
${input.tables.map(tableHtml).join('\n')}
<h2>Parameters</h2>
<details><summary>The resolved experiment (every default and profile value filled in)</summary>
<pre>${escapeHtml(input.resolvedYaml)}</pre></details>`;
  return htmlPage({ title, body, specs: ordered.map((c) => c.spec) });
}
