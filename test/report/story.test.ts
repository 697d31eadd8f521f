import { describe, expect, it } from 'vitest';
import { runEvent as EVENTS, type TypedRunEvent } from '../../src/metrics/index.js';
import { faultSentences, listWords, runStory, sweepStory } from '../../src/report/story.js';
import { columnTitle } from '../../src/report/readable.js';
import { human, humanScaled } from '../../src/report/format.js';
import { charts, markers } from '../../src/report/fleet-charts.js';
import { byServer } from '../../src/report/chart-requests.js';
import { seriesByVariantChart } from '../../src/report/sweep-charts.js';
import { reportHtml } from '../../src/report/html.js';

const crash = EVENTS.serverCrash(90_000, 3);
const at = (atMs: number, kind: string, detail: string, fields: object): TypedRunEvent => ({ atMs, kind, detail, ...fields }) as unknown as TypedRunEvent;
const restart = at(120_000, 'server:restart', 'server 3', { server: 3 });
const down = EVENTS.balancerMark(96_796.2219, false, 3, 0);
const alert = EVENTS.alert('alert:fired', 96_000, 'connect-failures', 'fleet');

describe('"what happened", told from events and summary', () => {
  it('reconnect-storm: the crash, the health check, the first alert, the drop and the return, the end', () => {
    const story = runStory(
      { 'connections.dropped': 5000, 'recovery.minConnectedShare': 0.875, 'recovery.ms95': 12_000, 'recovery.ms99': 20_000, 'clients.connected.final': 50_000, availability: 0.999 },
      [crash, alert, down, restart],
      300_000,
    );
    expect(story).toEqual([
      'At 90 s server 3 crashed.',
      'At 120 s server 3 restarted.',
      'The balancer’s health check marked server 3 down at 96.8 s, 6.8 s after it crashed.',
      'The first alert, connect-failures (fleet), fired at 96 s.',
      '5,000 open connections were dropped over the run. Connected clients fell to 87.5 % of those connected before the first fault; 95 % were back 12 s after it.',
      'At the end 50,000 clients were connected; availability over the run was 0.999.',
    ]);
  });

  it('a hung server that passes its checks is never marked down; recovery at the cap reads as not back', () => {
    const hang = at(180_000, 'server:hang', 'server 2', { server: 2 });
    const resume = at(270_000, 'server:resume', 'server 2', { server: 2 });
    const story = runStory({ 'recovery.minConnectedShare': 0.5, 'recovery.ms95': 120_000 }, [hang, resume], 300_000);
    expect(story).toContain('The balancer’s health check never marked server 2 down before it resumed at 270 s.');
    expect(story.join(' ')).toContain('95 % of them were not back by the end of the run');
  });

  it('no fault, joins told together, scale-out never reaching its share', () => {
    expect(runStory({ availability: 1, 'clients.connected.final': 10 }, [], 60_000)[0]).toBe('No fault was scheduled and the fleet did not change.');
    const joins = [4, 5, 6, 7].map((s) => at(60_000, 'server:join', `server ${String(s)}`, { server: s }));
    expect(faultSentences(joins)).toEqual(['At 60 s servers 4, 5, 6 and 7 joined.']);
    const story = runStory({ 'scaleOut.msToFairShare': 840_000, 'scaleOut.joinedShare.final': 0.757 }, joins, 900_000);
    expect(story).toContain('The joined servers never reached 90 % of their fair share before the run ended (at the end they carried 75.7 % of it).');
    expect(listWords(['a'])).toBe('a');
    expect(listWords(['a', 'b', 'c'])).toBe('a, b and c');
  });

  it('a sweep: the faults, then per compared metric the best variant, what is not significantly different, what never got there', () => {
    const story = sweepStory(
      [crash],
      ['connect.latencyMs.p99', 'recovery.ms99'],
      [
        { label: 'round-robin', metrics: { 'connect.latencyMs.p99': { mean: 790, ci95: 1143, n: 3 }, 'recovery.ms99': { mean: 210_000, ci95: 0, n: 3 } }, notReached: { 'recovery.ms99': { runs: 3, of: 3, cap: 210_000 } } },
        { label: 'power-of-d', metrics: { 'connect.latencyMs.p99': { mean: 263, ci95: 171, n: 3 }, 'recovery.ms99': { mean: 15_000, ci95: 2000, n: 3 } } },
        { label: 'least-loaded', metrics: { 'connect.latencyMs.p99': { mean: 7840, ci95: 585, n: 3 }, 'recovery.ms99': { mean: 30_000, ci95: 2000, n: 3 } } },
      ],
    );
    expect(story).toEqual([
      'In the first variant’s first run: at 90 s server 3 crashed.',
      'connect.latencyMs.p99: best power-of-d, 263 ± 171 ms; not significantly different: round-robin.',
      'recovery.ms99: best power-of-d, 15 ± 2 s; every other variant differs significantly; round-robin never reached it before the run ended.',
    ]);
  });

  it('a sweep names every variant tied for best', () => {
    const v = (label: string, mean: number) => ({ label, metrics: { 'clients.connected.final': { mean, ci95: 0, n: 1 } } });
    expect(sweepStory([], ['clients.connected.final'], [v('servers=4', 27_000), v('servers=5', 30_000), v('servers=6', 30_000)])[1]).toBe('clients.connected.final: best servers=5 and servers=6 (tied), 30,000.');
  });

  it('a sweep with more than three variants tied names two and counts the rest (the table lists them all)', () => {
    const v = (label: string, mean: number) => ({ label, metrics: { 'clients.connected.final': { mean, ci95: 0, n: 1 } } });
    const tied = [v('tabs=1', 1), v('tabs=4', 1), v('tabs=8', 1), v('tabs=16', 1), v('tabs=32', 2)];
    expect(sweepStory([], ['clients.connected.final'], tied)[1]).toBe('clients.connected.final: best tabs=32, 2.');
    const low = [v('tabs=1', 2), v('tabs=4', 2), v('tabs=8', 2), v('tabs=16', 2), v('tabs=32', 1)];
    expect(sweepStory([], ['clients.connected.final'], low)[1]).toBe('clients.connected.final: best tabs=1, tabs=4 and 2 other variants (tied), 2.');
  });

  it('report.html tells it under "What happened", before the charts', () => {
    const html = reportHtml({ resolvedYaml: 'name: x\nquestion: q\n', subtitle: '', tables: [], charts: [], story: ['At 90 s server 3 crashed.', 'Then <it> came back.'] });
    expect(html).toContain('<h2>What happened</h2>\n<p class="story">At 90 s server 3 crashed. Then &lt;it&gt; came back.</p>');
    expect(html.indexOf('What happened')).toBeLessThan(html.indexOf('<h2>Charts</h2>'));
    expect(reportHtml({ resolvedYaml: 'name: x\n', subtitle: '', tables: [], charts: [] })).not.toContain('What happened');
  });
});

describe('time-series titles from the catalogue, labels rounded as tables round', () => {
  it('titles name what a column means, not its key', () => {
    expect(columnTitle('clients.connected')).toBe('Clients with an open connection');
    expect(columnTitle('server.6.connections')).toBe('Server 6: open connections');
    expect(columnTitle('cpu', 'per-server')).toMatch(/^Per server: CPU busy/);
    expect(columnTitle('no.such.column')).toBe('no.such.column');
    const table = { columns: ['timeMs', 'server.6.connections'], rows: [[0, 1], [1000, 2]] };
    const spec = seriesByVariantChart('server.6.connections', [{ variant: 'a=1', table }, { variant: 'a=2', table }]) as { title: { text: string; subtitle: string } };
    expect(spec.title.text).toBe('Server 6: open connections, by variant');
    expect(spec.title.subtitle).toContain('server.6.connections');
    const result = { summary: {}, timeseries: { columns: ['timeMs', 'server.0.cpu'], rows: [[0, 0.5]] }, events: [] };
    expect((byServer(result, 'cpu') as { title: { text: string } }).title.text).toMatch(/^Per server: CPU busy/);
  });

  it('a value converted for a chart keeps the digits its table prints', () => {
    expect(human(1143)).toBe('1,143');
    expect(humanScaled(1143, 1 / 1000)).toBe('1.143');
    expect(humanScaled(788.4, 1 / 1000)).toBe('0.788');
    expect(humanScaled(365_000, 1 / 1000)).toBe('365');
    expect(humanScaled(0.2634, 1)).toBe(human(0.2634));
  });

  it('servers joining at once share one marker label instead of overprinting', () => {
    const joins = [4, 5, 6, 7].map((s) => at(60_000, 'server:join', `server ${String(s)}`, { server: s }));
    expect(markers({ summary: {}, timeseries: { columns: [], rows: [] }, events: [...joins, crash] })).toEqual([
      { atMs: 60_000, label: 'join servers 4, 5, 6, 7' },
      { atMs: 90_000, label: 'crash server 3' },
    ]);
  });
});

describe('time series draw bytes and milliseconds in the unit that reads best', () => {
  it('memory per server in MB, with the unit on the axis', () => {
    const result = { summary: {}, timeseries: { columns: ['timeMs', 'server.0.memoryBytes', 'server.1.memoryBytes'], rows: [[0, 12_000_000, 30_500_000], [1000, 14_000_000, null as unknown as number]] }, events: [] };
    const spec = charts['memory-by-server']?.build(result) as { layer: { data: { values: { value: number | null }[] }; encoding?: { y?: { title?: string } } }[] };
    expect(spec.layer[0]?.encoding?.y?.title).toBe('memory (MB)');
    expect(spec.layer[0]?.data.values.map((p) => p.value)).toEqual([12, 30.5, 14, null]);
    const cpu = byServer({ ...result, timeseries: { columns: ['timeMs', 'server.0.cpu'], rows: [[0, 0.5]] } }, 'cpu') as typeof spec;
    expect(cpu.layer[0]?.encoding?.y?.title).toBe('cpu (share 0–1)');
  });
});
