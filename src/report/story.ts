/**
 * "What happened": a few sentences at the top of report.html, told from a run's events and summary
 * so a learner sees the story before the charts and tables: the faults and when they struck, when
 * the balancer's health check noticed, the first alert, how far connected clients fell and when they
 * were back, and how the run ended.
 */
import { describeMetric, shardText, type MeanCi, type Summary, type TypedRunEvent } from '../metrics/index.js';
import { human } from './format.js';
import { atCap, capOf, compareText, versusBest, type NotReached } from './compare.js';
import { displayUnit, unitOf } from './readable.js';

const seconds = (ms: number): string => `${human(ms / 1000)} s`;
const percent = (share: number): string => `${human(share * 100)} %`;

/** `a`, `a and b`, `a, b and c`. */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

/** Variant labels in a sentence: all of them up to three, else the first two and how many more (the table lists them all). */
function variantWords(labels: readonly string[]): string {
  return labels.length <= 3 ? listWords(labels) : `${labels.slice(0, 2).join(', ')} and ${String(labels.length - 2)} other variants`;
}

/** What each server event did, said of one or more servers. */
const SERVER_VERBS: Record<string, string> = {
  'server:crash': 'crashed',
  'server:oom': 'was killed for using too much memory (OOM)',
  'server:hang': 'hung',
  'server:resume': 'resumed',
  'server:stop': 'was stopped',
  'server:restart': 'restarted',
  'server:join': 'joined',
  'server:drain': 'started draining',
  'autoscaler:drain': 'was drained by the autoscaler',
};

/** A fleet-wide event in words; undefined for events that are not faults or fleet changes. */
function fleetWords(e: TypedRunEvent): string | undefined {
  switch (e.kind) {
    case 'fleet:partition':
      return `a network partition cut ${human(e.clients)} clients off for ${seconds(e.durationMs)}`;
    case 'fleet:disconnect':
      return `a gateway restart closed ${human(e.connections)} connections at once`;
    case 'balancer:crash':
      return `balancer ${String(e.balancer)} died and closed the ${human(e.connections)} connections through it`;
    case 'balancer:restart':
      return `balancer ${String(e.balancer)} restarted`;
    case 'broker:crash':
      return `the pub/sub broker (${shardText(e.shard)}) died: publishes to it failed while connections stayed open`;
    case 'broker:restart':
      return `the pub/sub broker (${shardText(e.shard)}) restarted with its history ${e.history}`;
    case 'fleet:flash-crowd':
      return `a flash crowd of ${human(e.clients)} clients arrived`;
    case 'fleet:slowdown':
      return `handshakes slowed down ×${human(e.factor)}`;
    case 'fleet:slowdown-end':
      return 'the slowdown ended';
    case 'autoscaler:scale-out':
      return `the autoscaler added ${human(e.servers)} server${e.servers === 1 ? '' : 's'}`;
    case 'autoscaler:scale-in':
      return `the autoscaler removed ${human(e.servers)} server${e.servers === 1 ? '' : 's'}`;
    case 'server:shed':
      return `server ${String(e.server)} shed ${human(e.count)} connections`;
    default:
      return undefined;
  }
}

/** The faults and fleet changes in time order, events of one kind at one time told together ("servers 4, 5, 6 and 7 joined"); at most `limit` sentences. */
export function faultSentences(events: readonly TypedRunEvent[], limit = 6): string[] {
  const groups: { atMs: number; kind: string; servers: number[]; words?: string }[] = [];
  for (const e of events) {
    const verb = SERVER_VERBS[e.kind];
    if (verb !== undefined && 'server' in e) {
      const last = groups.at(-1);
      if (last !== undefined && last.kind === e.kind && last.atMs === e.atMs && last.words === undefined) last.servers.push(e.server);
      else groups.push({ atMs: e.atMs, kind: e.kind, servers: [e.server] });
      continue;
    }
    const words = fleetWords(e);
    if (words !== undefined) groups.push({ atMs: e.atMs, kind: e.kind, servers: [], words });
  }
  const said = groups.map((g) => {
    const what = g.words ?? `${g.servers.length === 1 ? 'server' : 'servers'} ${listWords(g.servers.map(String))} ${g.servers.length === 1 ? (SERVER_VERBS[g.kind] ?? g.kind) : plural(SERVER_VERBS[g.kind] ?? g.kind)}`;
    return `At ${seconds(g.atMs)} ${what}.`;
  });
  return said.length > limit ? [...said.slice(0, limit), `${String(said.length - limit)} more fault and fleet events follow (events.csv).`] : said;
}

const plural = (verb: string): string => verb.replace(/^was /, 'were ');

/** What happened in one run, as a paragraph's sentences. */
export function runStory(summary: Summary, events: readonly TypedRunEvent[], durationMs: number): string[] {
  const out = faultSentences(events);
  if (out.length === 0) out.push('No fault was scheduled and the fleet did not change.');
  const disruptive = ['server:crash', 'server:oom', 'server:hang', 'server:drain', 'fleet:partition', 'fleet:disconnect', 'balancer:crash'];
  const fault = events.find((e) => disruptive.includes(e.kind));
  out.push(...healthSentences(events));
  const alerts = events.filter((e) => e.kind === 'alert:fired');
  const firstAlert = alerts[0];
  if (firstAlert !== undefined) {
    const rules = new Set(alerts.map((e) => e.rule));
    out.push(`The first alert, ${firstAlert.detail}, fired at ${seconds(firstAlert.atMs)}${rules.size > 1 ? ` (${String(rules.size)} rules fired in all)` : ''}.`);
  }
  const dropped = summary['connections.dropped'];
  if (fault !== undefined) out.push(recoverySentence(summary, events, durationMs, dropped));
  else if (dropped !== undefined && dropped > 0) out.push(`${human(dropped)} open connections were dropped over the run.`);
  const fair = summary['scaleOut.msToFairShare'];
  if (fair !== undefined) {
    const share = summary['scaleOut.joinedShare.final'];
    const end = share === undefined ? '' : ` (at the end they carried ${percent(share)} of it)`;
    out.push(
      atCap(fair, capOf('scaleOut.msToFairShare', events, durationMs))
        ? `The joined servers never reached 90 % of their fair share before the run ended${end}.`
        : `The joined servers carried 90 % of their fair share ${seconds(fair)} after the first join${end}.`,
    );
  }
  const connected = summary['clients.connected.final'];
  const availability = summary.availability;
  if (connected !== undefined && availability !== undefined) out.push(`At the end ${human(connected)} clients were connected; availability over the run was ${human(availability)}.`);
  return out;
}

/** Server faults the balancer's health check should notice. */
const UNHEALTHY = new Set(['server:crash', 'server:oom', 'server:hang']);

/**
 * For each crashed, killed or hung server (the first three), when the health check marked it down, or
 * that it did not before the server came back: a hung server passes TCP checks.
 */
function healthSentences(events: readonly TypedRunEvent[]): string[] {
  return events
    .filter((e): e is Extract<TypedRunEvent, { server: number }> => UNHEALTHY.has(e.kind) && 'server' in e)
    .slice(0, 3)
    .map((f) => {
      const own = events.filter((e) => e.atMs >= f.atMs && 'server' in e && e.server === f.server && e !== f);
      const back = own.find((e) => e.kind === 'server:resume' || e.kind === 'server:restart');
      const down = own.find((e) => e.kind === 'balancer:mark-down' && (back === undefined || e.atMs <= back.atMs));
      if (down !== undefined) return `The balancer’s health check marked server ${String(f.server)} down at ${seconds(down.atMs)}, ${seconds(down.atMs - f.atMs)} after it ${SERVER_VERBS[f.kind] ?? f.kind}.`;
      return `The balancer’s health check never marked server ${String(f.server)} down${back === undefined ? '' : ` before it ${SERVER_VERBS[back.kind] ?? back.kind} at ${seconds(back.atMs)}`}.`;
    });
}

function recoverySentence(summary: Summary, events: readonly TypedRunEvent[], durationMs: number, dropped: number | undefined): string {
  const lost = dropped === undefined ? '' : `${human(dropped)} open connections were dropped over the run. `;
  const min = summary['recovery.minConnectedShare'];
  const ms95 = summary['recovery.ms95'];
  if (min === undefined || ms95 === undefined) return lost.trim();
  if (min >= 0.95) return `${lost}At no sample did connected clients fall below 95 % of those connected before the first fault (lowest: ${percent(min)}): the dropped clients were back within a sample interval.`;
  const back = atCap(ms95, capOf('recovery.ms95', events, durationMs)) ? '95 % of them were not back by the end of the run' : `95 % were back ${seconds(ms95)} after it`;
  return `${lost}Connected clients fell to ${percent(min)} of those connected before the first fault; ${back}.`;
}

/** Units worth saying after a number; counts, shares and ratios read as bare numbers. */
const SPOKEN_UNITS = new Set(['ms', 's', 'bytes', 'kB', 'MB', 'GB']);

/** One sweep variant as its story needs it. */
export interface StoryVariant {
  label: string;
  metrics: Readonly<Record<string, MeanCi>>;
  notReached?: Readonly<Record<string, NotReached>> | undefined;
}

/**
 * What happened across a sweep: the first variant's faults (replication 0), then for each compared
 * metric the best variant, which others are not significantly different from it, and which never
 * reached a capped target.
 */
export function sweepStory(events: readonly TypedRunEvent[], metrics: readonly string[], variants: readonly StoryVariant[]): string[] {
  const faults = faultSentences(events);
  const out = faults.length === 0 ? ['No fault was scheduled in the first variant.'] : [`In the first variant’s first run: ${faults.map((s) => s.charAt(0).toLowerCase() + s.slice(1)).join(' ')}`];
  for (const m of metrics) {
    const values = variants.map((v) => v.metrics[m]);
    if (values.some((v) => v === undefined) || values.length === 0) continue;
    const known = values as MeanCi[];
    const never = variants
      .filter((v) => {
        const n = v.notReached?.[m];
        return n !== undefined && n.runs === n.of;
      })
      .map((v) => v.label);
    const reached = variants.map((v, k) => ({ v, c: known[k] as MeanCi })).filter(({ v }) => !never.includes(v.label));
    const better = describeMetric(m)?.better;
    const unit = displayUnit(unitOf(m), known.map((c) => c.mean));
    const say = (c: MeanCi): string => compareText(c, undefined, undefined, unit.factor, SPOKEN_UNITS.has(unit.label) ? unit.label : '');
    const neverWords = never.length === 0 ? '' : `; ${variantWords(never)} never reached it before the run ended`;
    if (reached.length === 0) {
      out.push(`${m}: not reached in any variant before the run ended.`);
      continue;
    }
    if (better === undefined) {
      const sorted = [...reached].sort((a, b) => a.c.mean - b.c.mean);
      const lo = sorted[0] as (typeof sorted)[number];
      const hi = sorted.at(-1) as (typeof sorted)[number];
      out.push(`${m}: from ${say(lo.c)} (${lo.v.label}) to ${say(hi.c)} (${hi.v.label})${neverWords}.`);
      continue;
    }
    const verdicts = versusBest(m, known);
    const pick = better === 'higher' ? Math.max(...reached.map((r) => r.c.mean)) : Math.min(...reached.map((r) => r.c.mean));
    const tied = reached.filter((r) => r.c.mean === pick);
    const best = tied[0] as (typeof reached)[number];
    const who = tied.length === 1 ? best.v.label : `${variantWords(tied.map((r) => r.v.label))} (tied)`;
    const close = variants.filter((_, k) => verdicts[k] === 'overlaps' && !never.includes(variants[k]?.label ?? '')).map((v) => v.label);
    const significance = verdicts.every((v) => v === undefined)
      ? ''
      : close.length === 0
        ? '; every other variant differs significantly'
        : `; not significantly different: ${variantWords(close)}`;
    out.push(`${m}: best ${who}, ${say(best.c)}${significance}${neverWords}.`);
  }
  return out;
}
