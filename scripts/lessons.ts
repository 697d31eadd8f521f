/**
 * Writes docs/lessons.md: a gallery of the experiments in experiments/, each with its question,
 * what to look at, a chart and the measured answer, by running every experiment with the built CLI.
 *
 * Usage: npm run lessons [-- --only NAME,NAME] [-- --scale F]
 * Sections are written into docs/lessons.md as each experiment finishes, so `--only` refreshes a few
 * and a failed experiment keeps its earlier section. A reduced --scale is for trying the script;
 * the committed gallery is made at full scale.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { human } from '../src/report/format.js';
import { atCap, compareCells, runCaps, sweepNotReached, type NotReached } from '../src/report/compare.js';
import { runStory, sweepStory } from '../src/report/story.js';
import { keyChartName } from '../src/report/key-chart.js';
import { parseEvents } from '../src/cli/result-files.js';
import { decodeRunRecord, type PlanResult, type RunRecord, type TypedRunEvent } from '../src/metrics/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'src', 'cli', 'main.js');
const docs = join(root, 'docs');
const images = join(docs, 'lessons');

interface Parsed {
  name: string;
  question: string;
  lookAt?: string;
  keyChart?: string;
  charts?: (string | Record<string, unknown>)[];
  alerts?: { name: string }[];
  sweep?: { compare?: string[]; replications?: number };
  plan?: Record<string, unknown>;
}

/** Summary metrics shown for a single run, when present. */
const HEADLINE: [string, string][] = [
  ['availability', 'availability'],
  ['clients.connected.final', 'clients connected at the end'],
  ['connect.attempts', 'connect attempts'],
  ['connect.latencyMs.p99', 'connect latency p99 (ms)'],
  ['recovery.ms99', 'recovery to 99 % (ms)'],
  ['connections.dropped', 'connections dropped'],
  ['servers.cpu.utilization.max', 'busiest server CPU'],
];

function args(): { scale: string | undefined; only: string | undefined } {
  const a = process.argv.slice(2);
  const at = (flag: string): string | undefined => {
    const k = a.indexOf(flag);
    return k >= 0 ? a[k + 1] : undefined;
  };
  return { scale: at('--scale'), only: at('--only') };
}

/** `wsfleet run FILE`, or `wsfleet plan FILE` for an experiment with a plan block. */
function run(file: string, out: string, scale: string | undefined, plan: boolean): void {
  const command = plan ? ['plan', file, '--out', out, '--quiet', '--jobs', '2'] : ['run', file, '--out', out, '--quiet'];
  const r = spawnSync(process.execPath, [cli, ...command, ...(scale ? ['--scale', scale] : [])], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`wsfleet ${command[0] ?? ''} ${file} failed with exit code ${String(r.status)}`);
}

/** A plan folder as the gallery tells it: the sentence, theory beside the simulation, why not cheaper; then every configuration. */
function planLesson(out: string): { story: string; answer: string } {
  const p = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8')) as PlanResult;
  const story = [p.sentence];
  const chosen = p.answer === null ? undefined : p.answer.config;
  const theory = p.theory.configs[chosen ?? 0];
  if (theory !== undefined) story.push(`Theory asks for ${human(theory.value)}: ${theory.bounds.slice(0, 2).map((b) => `${b.reason} (${human(b.value)})`).join('; ')}.`);
  const n = p.nextCheaper;
  if (n !== null) story.push(`${p.answer === null ? 'At the largest value tried' : 'The next cheaper fleet tried'}, ${p.configs[n.config]?.label ?? ''} at ${p.search.path} = ${human(n.value)}, ${n.verdict === 'unclear' ? `does not show ${n.metric} within ${human(n.bound)}` : `fails ${n.metric}`} under ${p.faults[n.fault]?.label ?? ''}: ${human(n.mean)}${n.verdict === 'unclear' ? ` ± ${human(n.ci ?? 0)} after ${human(n.replications ?? 0)} replications` : ` against ${human(n.bound)}`}.`);
  story.push(`${human(p.runs)} simulations in all.`);
  const rows = p.configs.map((c, k) => {
    const trials = p.trials.filter((t) => t.config === k);
    const cost = trials.find((t) => t.value === c.answer)?.cost;
    const failing = trials.filter((t) => t.verdict === 'fail').sort((a, b) => b.value - a.value)[0];
    return [c.label, c.status, c.answer === null ? '–' : human(c.answer), human(p.theory.configs[k]?.value ?? Number.NaN), cost === undefined ? '–' : human(cost), failing === undefined ? '–' : `${failing.binding ?? ''} at ${human(failing.value)} (${p.faults[failing.fault]?.label ?? ''})`];
  });
  const header = ['configuration', 'status', `smallest passing ${p.search.path}`, 'theory', p.objective === 'cost' ? 'cost per hour' : p.objective, 'the largest value that failed, and why'];
  return { story: story.join(' '), answer: `Every configuration (SLOs: ${p.slos.map((s) => s.label).join(', ')}; each with ${String(Math.round(p.confidence * 100))} % confidence under ${p.faults.map((f) => f.label).join(', ')}):\n\n${table(header, rows)}` };
}

/**
 * The chart that answers: the experiment's keyChart, else the first chart its lookAt names, else a
 * sweep's first compared metric, else the experiment's first chart (see keyChartName in src/report).
 */
function keyChart(e: Parsed, out: string): string | undefined {
  const pngs = existsSync(join(out, 'charts')) ? readdirSync(join(out, 'charts')).filter((f) => f.endsWith('.png')) : [];
  const name = keyChartName(e, pngs.map((f) => f.replace(/\.png$/, '')));
  return name === undefined ? undefined : join(out, 'charts', `${name}.png`);
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

type Stats = Record<string, { mean: number; ci95: number; n: number }>;

/** summary.csv of a sweep: variant, metric, mean, ci95, n. */
function sweepStats(out: string): { label: string; metrics: Stats }[] {
  const lines = readFileSync(join(out, 'summary.csv'), 'utf8').trim().split('\n').slice(1);
  const byVariant = new Map<string, Stats>();
  for (const line of lines) {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replaceAll('""', '"')) ?? [];
    const [label = '', metric = '', mean = '', ci95 = '', n = ''] = cells;
    const stats = byVariant.get(label) ?? {};
    stats[metric] = { mean: Number(mean), ci95: Number(ci95), n: Number(n) };
    byVariant.set(label, stats);
  }
  return [...byVariant].map(([label, metrics]) => ({ label, metrics }));
}

/** The sweep's run records (runs/*.json), for what summary.csv does not say: which runs never reached a capped metric. */
function runRecords(out: string): RunRecord[] {
  const dir = join(out, 'runs');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => decodeRunRecord(readFileSync(join(dir, f), 'utf8')));
}

/** A sweep folder as the gallery reads it: per variant its label, metrics and the capped metrics it never reached. */
function sweepVariants(out: string): { records: RunRecord[]; variants: { label: string; metrics: Stats; notReached: Record<string, NotReached> | undefined }[] } {
  const records = runRecords(out);
  const never = sweepNotReached(records);
  const variantOf = new Map(records.map((r) => [r.label, r.variant]));
  return { records, variants: sweepStats(out).map((v) => ({ ...v, notReached: never.get(variantOf.get(v.label) ?? -1) })) };
}

/** A single run's folder as the gallery reads it. */
function singleRun(out: string): { summary: Record<string, number | null>; events: TypedRunEvent[]; durationMs: number } {
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, number | null>;
  const resolved = parse(readFileSync(join(out, 'experiment.resolved.yaml'), 'utf8')) as { durationMs?: number };
  return { summary, events: parseEvents(join(out, 'events.csv'), readFileSync(join(out, 'events.csv'), 'utf8')), durationMs: resolved.durationMs ?? Number.NaN };
}

/** "What happened", as report.html tells it (src/report/story.ts). */
function whatHappened(e: Parsed, out: string): string {
  if (e.sweep === undefined) {
    const run = singleRun(out);
    return runStory(run.summary as Record<string, number>, run.events, run.durationMs).join(' ');
  }
  const { records, variants } = sweepVariants(out);
  const first = records.find((r) => r.variant === 0 && r.replication === 0);
  return sweepStory(first?.events ?? [], e.sweep.compare ?? [], variants).join(' ');
}

function measured(e: Parsed, out: string): string {
  if (e.sweep !== undefined) {
    const metrics = e.sweep.compare?.length ? e.sweep.compare : ['availability', 'connect.latencyMs.p99'];
    const n = e.sweep.replications ?? 1;
    const { variants } = sweepVariants(out);
    const columns = metrics.map((m) => compareCells(m, variants.map((v) => v.metrics[m]), variants.map((v) => v.notReached?.[m])));
    const rows = variants.map((v, k) => [v.label, ...columns.map((c) => c[k] ?? '-')]);
    const notes = [
      ...(columns.some((c) => c.some((x) => x.includes('not reached'))) ? ['"not reached": the target was not met before the run ended'] : []),
      ...(columns.some((c) => c.some((x) => x.includes('≈ best'))) ? ['"≈ best, not significant": the 95 % intervals of the variant and the best one overlap'] : []),
    ];
    return `Mean${n > 1 ? ` ± 95 % confidence interval over ${String(n)} replications` : ' of one run'} per variant${notes.length > 0 ? ` (${notes.join('; ')})` : ''}:\n\n${table(['variant', ...metrics], rows)}`;
  }
  const { summary, events, durationMs } = singleRun(out);
  const caps = runCaps(summary as Record<string, number>, events, durationMs);
  const value = (k: string, v: number | null | undefined): string => (v === null || v === undefined ? '–' : atCap(v, caps[k]) ? `not reached before the run ended (> ${human(v)})` : human(v));
  const rows = HEADLINE.filter(([k]) => k in summary).map(([k, label]) => [label, value(k, summary[k])]);
  for (const a of e.alerts ?? []) {
    const first = summary[`alerts.${a.name}.firstFiredMs`];
    const detect = Object.keys(summary)
      .filter((k) => k.startsWith(`alerts.${a.name}.detectMs.`))
      .map((k) => `${k.split('.').pop() ?? ''}: ${summary[k] === null ? 'never' : `${human((summary[k] ?? 0) / 1000)} s`}`);
    rows.push([`alert ${a.name}`, `${first === null || first === undefined ? 'never fired' : `first at ${human(first / 1000)} s`}${detect.length ? `; detect ${detect.join(', ')}` : ''}`]);
  }
  return table(['metric', 'value'], rows);
}

function section(e: Parsed, file: string, image: string | undefined, story: string, answer: string, scale: string | undefined, plan = false): string {
  return [
    `## ${e.name}`,
    '',
    `**Question.** ${e.question.trim()}`,
    '',
    e.lookAt === undefined ? '' : `**What to look at.** ${e.lookAt.trim()}\n`,
    story === '' ? '' : `**What happened.** ${story}\n`,
    image === undefined ? '' : `![${e.name}](lessons/${image})\n`,
    '**Measured.**',
    '',
    answer,
    '',
    `Reproduce: \`npx wsfleet ${plan ? 'plan' : 'run'} ${file}${scale ? ` --scale ${scale}` : ''}\` and open \`report.html\` in the result folder.`,
    '',
  ].join('\n');
}

/** The page's sections by experiment name, from an earlier docs/lessons.md. */
function readSections(file: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(file)) return out;
  for (const part of readFileSync(file, 'utf8').split(/^(?=## )/m).slice(1)) out.set(part.split('\n')[0]?.slice(3).trim() ?? '', part.trimEnd() + '\n');
  return out;
}

function writePage(file: string, names: readonly string[], sections: ReadonlyMap<string, string>, scale: string | undefined): void {
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const shown = names.filter((n) => sections.has(n));
  const header = [
    '# Lessons: the experiment gallery',
    '',
    `Each experiment in \`experiments/\` asks one question of a WebSocket fleet. This page shows, for each, the question, what to look at, its key chart and the measured answer from a seeded run (wsfleet ${version}${scale ? `, at --scale ${scale}` : ''}). It is generated: \`npm run lessons\` runs every experiment again and rewrites this page and \`docs/lessons/*.png\`; \`npm run lessons -- --only NAME\` refreshes one.`,
    '',
    shown.map((n) => `[${n}](#${n})`).join(' · '),
    '',
  ].join('\n');
  writeFileSync(file, `${header}\n${shown.map((n) => sections.get(n)).join('\n')}`);
}

function main(): void {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const { scale, only } = args();
  const all = readdirSync(join(root, 'experiments'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
  const wanted = only === undefined ? all : all.filter((n) => only.split(',').includes(n));
  const page = join(docs, 'lessons.md');
  const sections = readSections(page);
  mkdirSync(images, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'wsfleet-lessons-'));
  const failed: string[] = [];
  try {
    for (const name of wanted) {
      const file = `experiments/${name}.yaml`;
      const e = parse(readFileSync(join(root, file), 'utf8')) as Parsed;
      process.stderr.write(`lessons: ${e.name}\n`);
      const out = join(work, e.name);
      try {
        run(file, out, scale, e.plan !== undefined);
      } catch (error) {
        process.stderr.write(`lessons: ${(error as Error).message}; its earlier section is kept\n`);
        failed.push(name);
        continue;
      }
      const chart = keyChart(e, out);
      const image = chart === undefined ? undefined : `${e.name}.png`;
      if (chart !== undefined && image !== undefined) copyFileSync(chart, join(images, image));
      const lesson = e.plan !== undefined ? planLesson(out) : { story: whatHappened(e, out), answer: measured(e, out) };
      sections.set(e.name, section(e, file, image, lesson.story, lesson.answer, scale, e.plan !== undefined).trimEnd() + '\n');
      writePage(page, all, sections, scale);
      rmSync(out, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (failed.length > 0) {
    process.stderr.write(`lessons: failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

main();
