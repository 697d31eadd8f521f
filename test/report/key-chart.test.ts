import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readExperiment } from '../../src/experiment/index.js';
import { chartFileNames, runChartNames, sweepChartNames } from '../../src/metrics/index.js';
import { keyChartName, namedKeyChart } from '../../src/report/key-chart.js';
import { reportHtml } from '../../src/report/html.js';

const library = readdirSync('experiments')
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ file: f, text: readFileSync(join('experiments', f), 'utf8') }));

describe('the key chart is the one the experiment names', () => {
  it('keyChart first, then the first chart lookAt names, then the first compared metric, then the first chart', () => {
    const drawn = ['compare-availability', 'compare-recovery.ms99', 'series-clients.connected'];
    expect(keyChartName({ keyChart: 'compare-recovery.ms99', lookAt: 'series-clients.connected' }, drawn)).toBe('compare-recovery.ms99');
    expect(keyChartName({ lookAt: 'series-clients.connected: the herd; compare-availability too', sweep: { compare: ['availability'] } }, drawn)).toBe('series-clients.connected');
    expect(keyChartName({ lookAt: 'nothing named', sweep: { compare: ['recovery.ms99'] } }, drawn)).toBe('compare-recovery.ms99');
    expect(keyChartName({}, drawn)).toBe('compare-availability');
    expect(keyChartName({}, [])).toBeUndefined();
    expect(namedKeyChart({ lookAt: 'nothing named' }, drawn)).toBeUndefined();
  });

  it('a name inside a longer one does not count (compare-messages.lost is not compare-messages.lost.clientsShare)', () => {
    const drawn = ['compare-messages.lost', 'compare-messages.lost.clientsShare'];
    expect(namedKeyChart({ lookAt: 'compare-messages.lost.clientsShare, then compare-messages.lost.' }, drawn)).toBe('compare-messages.lost.clientsShare');
    expect(namedKeyChart({ lookAt: 'see compare-messages.lost: a crash' }, drawn)).toBe('compare-messages.lost');
  });

  it('chart file names follow the report’s: a run’s charts, or a sweep folder’s own', () => {
    expect(runChartNames(['clients', { 'by-server': { metric: 'cpu' } }, { 'by-variant': { column: 'clients.connected' } }, { 'latency-cdf': { metrics: ['connect.latencyMs'] } }])).toEqual([
      'clients',
      'by-server-cpu',
      'by-variant-clients.connected',
      'latency-cdf',
    ]);
    expect(sweepChartNames({ charts: ['clients', { 'sweep-curve': { metric: 'recovery.ms99', x: 'clients.reconnect.full-jitter.baseMs' } }], sweep: { compare: ['availability'], compareSeries: ['clients.connected'] } })).toEqual([
      'compare-availability',
      'series-clients.connected',
      'sweep-curve-recovery.ms99-by-baseMs',
    ]);
  });

  it.each(library.map((e) => [e.file, e.text] as const))('%s: a keyChart is a chart the experiment draws, and its lookAt names it', (_, text) => {
    const e = parse(text) as { keyChart?: string; lookAt?: string };
    if (e.keyChart === undefined) return;
    expect(chartFileNames(e as Parameters<typeof chartFileNames>[0])).toContain(e.keyChart);
    expect(namedKeyChart({ lookAt: e.lookAt }, [e.keyChart])).toBe(e.keyChart);
  });

  it('a keyChart the experiment does not draw is refused at its path, naming the charts it does draw', () => {
    const yaml = 'name: tiny\nkeyChart: compare-availability\nquestion: q\ndurationMs: 5000\nfleet: { servers: 1 }\nclients: { arrivals: { ramp: { clients: 10, overMs: 1000 } } }\ncharts: [clients]\n';
    const r = readExperiment({ yaml, name: 'tiny.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toContainEqual(expect.objectContaining({ source: 'tiny.yaml', line: 2, path: ['keyChart'], message: "expected a chart this experiment draws (clients), got 'compare-availability'" }));
    expect(readExperiment({ yaml: yaml.replace('compare-availability', 'clients'), name: 'tiny.yaml' }).ok).toBe(true);
  });

  it('report.html draws the named key chart first and says so', () => {
    const spec = (title: string) => ({ $schema: 'x', title, mark: 'bar' }) as never;
    const html = reportHtml({
      resolvedYaml: 'name: x\nquestion: q\nlookAt: series-clients.connected shows the herd\n',
      subtitle: '',
      tables: [],
      charts: [
        { name: 'compare-availability', spec: spec('A') },
        { name: 'series-clients.connected', spec: spec('B') },
      ],
    });
    expect(html.indexOf('charts/series-clients.connected.vl.json')).toBeLessThan(html.indexOf('charts/compare-availability.vl.json'));
    expect(html).toContain('<strong class="key">The key chart: what to look at names it.</strong>');
    // The caption still starts with what the chart shows (test/browser/report-html.test.ts reads it so).
    expect(html).toMatch(/<figcaption>[^<]{10,}<strong class="key">/);
    expect(html.indexOf('"title":"B"')).toBeLessThan(html.indexOf('"title":"A"'));
  });
});
