import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import type { PlanResult, PlanSloResult, PlanTrial, PlanVerdict } from '../../src/metrics/plan-result.js';
import { planFolderFiles, planCsv, planReportHtml } from '../../src/report/plan-report.js';
import { planBindingChart, planCharts, planSloChart } from '../../src/report/plan-charts.js';
import type { FolderFiles } from '../../src/report/write.js';
import type { VlSpec } from '../../src/report/types.js';
import { vlCompileWarnings, vlSchemaErrors } from './vl-schema.js';

const LAT = 'connect.latencyMs.p99';
const AV = 'availability';

/** One trial: latency and availability with their verdicts; the binding is the failing SLO furthest past its bound. */
function trial(config: number, value: number, fault: number, lat: [number, PlanVerdict], av: [number, PlanVerdict]): PlanTrial {
  const slos: PlanSloResult[] = [
    { metric: LAT, mean: lat[0], ci: 12.5, verdict: lat[1], margin: (500 - lat[0]) / 500 },
    { metric: AV, mean: av[0], ci: 0.0002, verdict: av[1], margin: (av[0] - 0.999) / 0.999 },
  ];
  const failing = slos.filter((s) => s.verdict !== 'pass').sort((a, b) => a.margin - b.margin);
  return {
    config,
    value,
    cost: value * (config === 0 ? 0.1 : 0.3),
    fault,
    replications: 5,
    warmupMs: 30_000,
    slos,
    verdict: failing.length === 0 ? 'pass' : 'fail',
    binding: failing[0]?.metric ?? null,
  };
}

const PASS_AV: [number, PlanVerdict] = [0.9995, 'pass'];
const PASS_LAT: [number, PlanVerdict] = [420, 'pass'];

/** Two configurations × three server counts × two faults, two SLOs; the small profile at 12 servers is the answer. */
const fixture: PlanResult = {
  name: 'Chat fleet <plan>',
  question: 'How few servers carry 200k chat clients through a lost server?',
  seed: 7,
  confidence: 0.95,
  objective: 'cost',
  search: { path: 'fleet.servers', min: 4, max: 40 },
  slos: [
    { metric: LAT, op: '<=', bound: 500, label: 'connect.latencyMs.p99 ≤ 500' },
    { metric: AV, op: '>=', bound: 0.999, label: 'availability ≥ 0.999' },
  ],
  faults: [
    { kind: 'none', label: 'no fault' },
    { kind: 'n+1', label: 'lose one server at 120 s' },
  ],
  configs: [
    { label: 'small <c5.large>', settings: { 'fleet.profile': 'small', 'server.cores': 2 }, costPerServerHour: 0.1, answer: 12, status: 'feasible' },
    { label: 'large', settings: { 'fleet.profile': 'large', 'server.maxConnections': 20_000 }, costPerServerHour: 0.3, answer: 6, status: 'feasible' },
  ],
  theory: {
    configs: [
      { value: 9, bounds: [{ reason: 'handshake storm after N+1', value: 9 }, { reason: 'connections', value: 7 }] },
      { value: 4, bounds: [{ reason: 'connections', value: 4 }] },
    ],
  },
  trials: [
    trial(0, 8, 0, [620, 'fail'], PASS_AV),
    trial(0, 8, 1, [900, 'fail'], [0.998, 'fail']),
    trial(0, 10, 0, PASS_LAT, PASS_AV),
    trial(0, 10, 1, [480, 'pass'], [0.9982, 'fail']),
    trial(0, 12, 0, PASS_LAT, PASS_AV),
    trial(0, 12, 1, [450, 'pass'], [0.9993, 'pass']),
    trial(1, 4, 0, [700, 'fail'], [0.997, 'fail']),
    trial(1, 4, 1, [1200, 'fail'], [0.99, 'fail']),
    trial(1, 5, 0, PASS_LAT, PASS_AV),
    trial(1, 5, 1, [505, 'unclear'], PASS_AV),
    trial(1, 6, 0, PASS_LAT, PASS_AV),
    trial(1, 6, 1, [430, 'pass'], PASS_AV),
  ],
  runs: 60,
  answer: { config: 0, value: 12, cost: 1.2, experimentFile: 'chosen.yaml' },
  nextCheaper: { config: 0, value: 10, cost: 1, fault: 1, metric: AV, mean: 0.9982, bound: 0.999, by: 0.0008008 },
  sentence: 'The cheapest fleet that meets every SLO under every fault: 12 servers of small <c5.large>, 1.2 per hour.',
};

/** Nothing passes: latency fails everywhere, by a wide margin. */
const noAnswer: PlanResult = {
  ...fixture,
  configs: fixture.configs.map((c) => ({ ...c, answer: null, status: 'infeasible' as const })),
  trials: fixture.trials.map((t) => ({
    ...t,
    verdict: 'fail' as const,
    binding: LAT,
    slos: t.slos.map((s) => (s.metric === LAT ? { ...s, mean: s.mean + 1000, verdict: 'fail' as const } : s)),
  })),
  answer: null,
  nextCheaper: null,
  sentence: 'No fleet tried meets every SLO under every fault.',
};

const BASE = 'name: chat\nfleet:\n  servers: 4\n';
const CHOSEN = 'name: chat (chosen)\nfleet:\n  servers: 12\n';

type Layer = { mark: { type: string } | string; data?: { values: Record<string, unknown>[] }; encoding: Record<string, { title?: string; field?: string; scale?: { type?: string } } | undefined> };
const layers = (spec: VlSpec): Layer[] => (spec as unknown as { layer: Layer[] }).layer;
const markType = (l: Layer): string => (typeof l.mark === 'string' ? l.mark : l.mark.type);
/** The spec's first layer of a mark type; an empty one when there is none, so its expectations fail readably. */
const layerOf = (spec: VlSpec, type: string): Layer => layers(spec).find((l) => markType(l) === type) ?? { mark: 'none', encoding: {} };
const rows = (spec: VlSpec): Record<string, unknown>[] => (spec as unknown as { data: { values: Record<string, unknown>[] } }).data.values;
const text = (files: FolderFiles, name: string): string => String(files[name]);

describe('plan folder', () => {
  let files: FolderFiles;
  beforeAll(async () => {
    files = await planFolderFiles(fixture, CHOSEN, BASE);
  });

  it('holds plan.json, plan.csv, the chosen and base experiments, three charts and the page', () => {
    expect(Object.keys(files).sort()).toEqual(
      [
        'plan.json',
        'plan.csv',
        'chosen.yaml',
        'experiment.resolved.yaml',
        ...['plan-binding', `plan-${LAT}`, `plan-${AV}`].flatMap((c) => ['vl.json', 'svg', 'png'].map((e) => `charts/${c}.${e}`)),
        'report.html',
      ].sort(),
    );
    expect(JSON.parse(text(files, 'plan.json'))).toEqual(fixture);
    expect(text(files, 'plan.json').endsWith('}\n')).toBe(true);
    expect(files['chosen.yaml']).toBe(CHOSEN);
    expect(files['experiment.resolved.yaml']).toBe(BASE);
    expect(text(files, `charts/plan-${LAT}.svg`)).toContain('<svg');
    expect(files[`charts/plan-${LAT}.png`]).toBeInstanceOf(Uint8Array);
  });

  it('plan.csv: one row per trial, settings as columns, each SLO as mean, ci and verdict', () => {
    const [header = [], ...body] = parse(text(files, 'plan.csv')) as string[][];
    const cellOf = (row: number, name: string): string | undefined => body[row]?.[header.indexOf(name)];
    expect(header).toEqual([
      'config',
      'fleet.profile',
      'server.cores',
      'server.maxConnections',
      'fleet.servers',
      'cost',
      'fault',
      'replications',
      'warmup_ms',
      `${LAT}.mean`,
      `${LAT}.ci`,
      `${LAT}.verdict`,
      `${AV}.mean`,
      `${AV}.ci`,
      `${AV}.verdict`,
      'verdict',
      'binding',
    ]);
    expect(body).toHaveLength(fixture.trials.length);
    const col = (name: string): number => header.indexOf(name);
    body.forEach((row, k) => {
      const t = fixture.trials[k];
      expect(row[col('fleet.servers')]).toBe(String(t?.value));
      expect(row[col(`${LAT}.verdict`)]).toBe(t?.slos[0]?.verdict);
      expect(row[col(`${AV}.verdict`)]).toBe(t?.slos[1]?.verdict);
      expect(row[col('verdict')]).toBe(t?.verdict);
      expect(row[col('binding')]).toBe(t?.binding ?? '');
    });
    // The large profile sets no core count; the small one no connection cap.
    expect(body[0]?.slice(0, 4)).toEqual(['small <c5.large>', 'small', '2', '']);
    expect(body[6]?.slice(0, 4)).toEqual(['large', 'large', '', '20000']);
    // Costs rounded to six digits: 0.3 × 5 is 1.5, not 1.4999999999999998.
    expect(cellOf(8, 'cost')).toBe('1.5');
    expect(cellOf(9, `${LAT}.verdict`)).toBe('unclear');
    expect(cellOf(9, 'fault')).toBe('lose one server at 120 s');
    expect(cellOf(9, 'warmup_ms')).toBe('30000');
  });

  it('each SLO chart names its units, marks pass and fail, and draws the bound where it is', () => {
    const lat = JSON.parse(text(files, `charts/plan-${LAT}.vl.json`)) as VlSpec;
    const point = layerOf(lat, 'point');
    expect(point.encoding.y?.title).toBe(`${LAT} (ms)`);
    expect(point.encoding.x?.title).toBe('cost per hour');
    expect(point.encoding.shape?.field).toBe('verdict');
    // Two configurations: one colour per configuration and fault.
    expect(point.encoding.color?.field).toBe('key');
    const bound = layers(lat).find((l) => markType(l) === 'rule' && l.data !== undefined);
    expect(bound?.data?.values).toEqual([{ bound: 500, label: 'SLO ≤ 500 ms' }]);
    expect(layers(lat).find((l) => markType(l) === 'text')?.encoding.text?.field).toBe('label');
    expect(rows(lat).filter((r) => r.verdict === 'fail')).toHaveLength(4);
    expect(rows(lat).find((r) => r.verdict === 'unclear')).toMatchObject({ config: 'large', value: 5, mean: 505, low: 492.5, high: 517.5, text: '505 ± 12.5 ms' });

    const av = JSON.parse(text(files, `charts/plan-${AV}.vl.json`)) as VlSpec;
    expect(layers(av).find((l) => markType(l) === 'point')?.encoding.y?.title).toBe('availability (share 0–1)');
    expect(layers(av).find((l) => markType(l) === 'rule' && l.data !== undefined)?.data?.values).toEqual([{ bound: 0.999, label: 'SLO ≥ 0.999' }]);
    for (const spec of [lat, av]) {
      expect(vlSchemaErrors(spec)).toEqual([]);
      expect(vlCompileWarnings(spec)).toEqual([]);
    }
  });

  it('milliseconds turn into seconds past 10 s, and the axis turns logarithmic over more than two decades', () => {
    const slow: PlanResult = {
      ...fixture,
      slos: [{ metric: 'recovery.ms99', op: '<=', bound: 30_000, label: 'recovery.ms99 ≤ 30000' }],
      trials: fixture.trials.map((t, k) => ({ ...t, slos: [{ metric: 'recovery.ms99', mean: 200 * (k + 1) ** 2, ci: 100, verdict: 'pass', margin: 0.5 }] })),
    };
    const spec = planSloChart(slow, 'recovery.ms99');
    const point = layerOf(spec, 'point');
    expect(point.encoding.y?.title).toBe('recovery.ms99 (s)');
    expect(point.encoding.y?.scale?.type).toBe('log');
    expect(layers(spec).find((l) => markType(l) === 'rule' && l.data !== undefined)?.data?.values).toEqual([{ bound: 30, label: 'SLO ≤ 30 s' }]);
    // The lower whisker of the smallest value stops at the axis' floor instead of going below zero.
    expect(rows(spec)[0]).toMatchObject({ mean: 0.2, low: 0.2, high: 0.3 });
    expect(vlSchemaErrors(spec)).toEqual([]);
    // The fixture's values stay within two decades: a linear axis.
    expect(layers(planSloChart(fixture, LAT)).find((l) => markType(l) === 'point')?.encoding.y?.scale?.type).toBeUndefined();
  });

  it('the binding chart gives, per fault, the smallest passing value and the SLO that failed just below it', () => {
    const spec = JSON.parse(text(files, 'charts/plan-binding.vl.json')) as VlSpec;
    expect(rows(spec)).toEqual([
      { fault: 'no fault', value: 10, at: 10, label: '10: connect.latencyMs.p99 ≤ 500 failed at 8' },
      { fault: 'lose one server at 120 s', value: 12, at: 12, label: '12: availability ≥ 0.999 failed at 10' },
    ]);
    const bar = layerOf(spec, 'bar');
    expect(bar.encoding.x?.title).toBe('smallest passing servers');
    expect(layers(spec).find((l) => markType(l) === 'rule')?.data?.values).toEqual([{ theory: 9, label: 'theory: 9' }]);
    expect((spec as { title: { text: string } }).title.text).toBe('What sets fleet.servers for small <c5.large>, fault by fault');
    expect(vlSchemaErrors(spec)).toEqual([]);
    expect(vlCompileWarnings(spec)).toEqual([]);
    // The large profile: the unclear latency at 5 servers is a failure.
    expect(rows(planBindingChart(fixture, 1))[1]).toMatchObject({ value: 6, label: '6: connect.latencyMs.p99 ≤ 500 failed at 5' });
  });

  it('report.html: the answer, theory beside the simulation, why not cheaper, the link to chosen.yaml and every trial', () => {
    const html = text(files, 'report.html');
    expect(html).toContain('<h1>Chat fleet &lt;plan&gt;</h1>');
    expect(html).toContain('<p class="answer">The cheapest fleet that meets every SLO under every fault: 12 servers of small &lt;c5.large&gt;, 1.2 per hour.</p>');
    expect(html).toContain('For small &lt;c5.large&gt;, theory asks for 9 servers (handshake storm after N+1: 9; connections: 7); the simulation needs 12 servers, 3 more than theory.');
    expect(html).toContain(
      'The next cheaper fleet tried, small &lt;c5.large&gt; at 10 servers (1 per hour), fails under lose one server at 120 s: availability (SLO ≥ 0.999) was 0.998 against a bound of 0.999, 0.0801 % short of the bound.',
    );
    expect(html).toContain('<a href="chosen.yaml">chosen.yaml</a>. <code>wsfleet run chosen.yaml</code> reproduces it.');
    // Labels are escaped everywhere, the chart specs included.
    expect(html).not.toContain('<c5.large>');
    expect(html).not.toContain('<plan>');
    // Every trial is a row of the trial table, SLO cells marked.
    const trialTable = html.slice(html.indexOf('<caption>Every trial'));
    expect(trialTable.match(/<tr><th scope="row">/g)).toHaveLength(fixture.trials.length);
    expect(trialTable).toContain('<td>505 ± 12.5 ?</td>');
    expect(trialTable).toContain('<td>900 ± 12.5 ✗</td>');
    expect(trialTable).toContain('<th>connect.latencyMs.p99 ≤ 500 (ms)</th>');
    // Near its bound a value keeps the digits that tell it from the bound: 0.9993, not 0.999; 0.9995, not 1.
    expect(trialTable).toContain('<td>0.9993 ± 0.0002 ✓</td>');
    expect(trialTable).toContain('<td>0.9995 ± 0.0002 ✓</td>');
    expect(trialTable).toContain('<th>cost per hour</th>');
    expect(html).toContain('<td class="text">feasible (chosen)</td>');
    // Three figures, three specs, the binding chart first.
    expect(html.match(/<figure class="chart">/g)).toHaveLength(3);
    expect(html).toContain('(charts/plan-binding.vl.json)');
    expect(html).toContain('<pre>name: chat\nfleet:\n  servers: 4\n</pre>');
  });

  it('says a next cheaper fleet whose interval still straddles the bound is not shown to hold, not that it fails', () => {
    const unclear: PlanResult = { ...fixture, nextCheaper: { config: 0, value: 10, cost: 1, fault: 1, metric: LAT, mean: 490, bound: 500, by: -0.02, verdict: 'unclear', ci: 25, replications: 12 } };
    const html = planReportHtml(unclear, [], BASE, 'chosen.yaml');
    expect(html).toContain('is not shown to meet connect.latencyMs.p99 (SLO ≤ 500 ms) under lose one server at 120 s: 490 ms ± 25 ms after 12 replications');
    expect(html).not.toMatch(/at 10 servers \(1 per hour\), fails/);
  });

  it('the same result gives the same bytes', async () => {
    const again = await planFolderFiles(fixture, CHOSEN, BASE);
    expect(Object.keys(again)).toEqual(Object.keys(files));
    for (const [name, content] of Object.entries(files)) expect(again[name], name).toEqual(content);
  });
});

describe('a plan with no answer', () => {
  it('says no configuration passes and what failed at the largest value, and writes no chosen.yaml', async () => {
    const files = await planFolderFiles(noAnswer, null, BASE);
    expect(files['chosen.yaml']).toBeUndefined();
    expect(files['charts/plan-binding.vl.json']).toBeUndefined();
    const html = text(files, 'report.html');
    expect(html).toContain('<p class="answer none">No fleet tried meets every SLO under every fault.</p>');
    expect(html).toContain(
      'No configuration passes every SLO under every fault. At the largest value tried: small &lt;c5.large&gt; at 12 servers fails connect.latencyMs.p99 ≤ 500 (mean 1,420 ms against 500 ms) under no fault, and connect.latencyMs.p99 ≤ 500 (mean 1,450 ms against 500 ms) under lose one server at 120 s; large at 6 servers fails',
    );
    expect(html).toContain('Theory asks for 9 servers (handshake storm after N+1: 9; connections: 7) for small &lt;c5.large&gt;; 4 servers (connections: 4) for large; no configuration passed in the simulation.');
    expect(html).not.toContain('Why not cheaper');
    expect(html).not.toContain('wsfleet run');
  });

  it('draws no binding chart, and the page says when there is nothing to chart; plan.csv still has a row per trial', () => {
    expect(planCharts(noAnswer).map((c) => c.name)).toEqual([`plan-${LAT}`, `plan-${AV}`]);
    const bare = { ...noAnswer, slos: [] };
    expect(planCharts(bare)).toEqual([]);
    expect(planReportHtml(bare, [], BASE, null)).toContain('<p>No SLOs, so no charts.</p>');
    expect(planCsv(noAnswer).split('\n').filter((l) => l !== '')).toHaveLength(noAnswer.trials.length + 1);
  });

  it('plan.csv tells two SLOs on one metric apart by their bounds', () => {
    const band = { ...fixture, slos: [...fixture.slos, { metric: AV, op: '<=' as const, bound: 1, label: 'availability ≤ 1' }] };
    const [header = []] = parse(planCsv(band)) as string[][];
    expect(header.filter((h) => h.startsWith(AV))).toEqual(['availability>=0.999.mean', 'availability>=0.999.ci', 'availability>=0.999.verdict', 'availability<=1.mean', 'availability<=1.ci', 'availability<=1.verdict']);
  });
});
