/**
 * The playground's whole state, kept in the URL's hash so a lesson set-up can be shared: the lesson,
 * the knobs changed (as `wsfleet run --set` flags), or the whole YAML when it was edited by hand, the
 * client scale, the speed, and the one knob a comparison changes.
 */
import { isMap, parseDocument, stringify } from 'yaml';
import type { IssuePath } from '../src/experiment/browser.js';
import { toPath } from './knobs.js';

export interface PlaygroundState {
  lesson: string;
  /** Knob changes in order, as `path=value` with the value in YAML (the CLI's --set syntax). */
  sets: string[];
  /** The experiment text when edited by hand; then it is the source and `sets` is empty. */
  yaml: string | null;
  /** `wsfleet run --scale`. @default 1 */
  scale: number;
  /** Virtual ms per wall second; 0 means as fast as possible. */
  speed: number;
  /** The one change the comparison run makes, as `path=value`. */
  compare: string | null;
}

/** One virtual minute per second: a storm unfolds slowly enough to watch. */
export const DEFAULT_SPEED = 60_000;

export function encodeState(s: PlaygroundState): string {
  const p = new URLSearchParams();
  p.set('lesson', s.lesson);
  if (s.yaml !== null) p.set('yaml', toBase64Url(s.yaml));
  for (const set of s.sets) p.append('set', set);
  if (s.scale !== 1) p.set('scale', String(s.scale));
  if (s.speed !== DEFAULT_SPEED) p.set('speed', String(s.speed));
  if (s.compare !== null) p.set('compare', s.compare);
  return '#' + p.toString();
}

export function decodeState(hash: string, fallbackLesson: string): PlaygroundState {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const yaml = p.get('yaml');
  const scale = Number(p.get('scale') ?? '1');
  const speed = Number(p.get('speed') ?? String(DEFAULT_SPEED));
  return {
    lesson: p.get('lesson') ?? fallbackLesson,
    sets: p.getAll('set'),
    yaml: yaml === null ? null : fromBase64Url(yaml),
    scale: scale > 0 && scale <= 1000 ? scale : 1,
    speed: Number.isFinite(speed) && speed >= 0 ? speed : DEFAULT_SPEED,
    compare: p.get('compare'),
  };
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** `path=value`, the value written as YAML on one line (flow style for maps and lists). */
export function setFlag(path: IssuePath, value: unknown): string {
  const text = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : stringify(value, { collectionStyle: 'flow' }).trim();
  return `${path.join('.')}=${text}`;
}

/** Adds a --set, replacing an earlier one for the same path (and any set inside a replaced strategy). */
export function withSet(sets: readonly string[], flag: string): string[] {
  const path = flag.slice(0, flag.indexOf('='));
  return [...sets.filter((s) => {
    const p = s.slice(0, s.indexOf('='));
    return p !== path && !p.startsWith(path + '.');
  }), flag];
}

/**
 * The lesson's text with the sets written into it, comments and layout kept: what the YAML pane shows
 * and what the run reads. The CLI applies the same flags to the same data, so the runs agree.
 */
export function applySets(text: string, sets: readonly string[]): string {
  if (sets.length === 0) return text;
  const doc = parseDocument(text);
  for (const flag of sets) {
    const eq = flag.indexOf('=');
    const path = toPath(flag.slice(0, eq));
    const value = parseDocument(flag.slice(eq + 1)).toJS() as unknown;
    ensureMaps(doc, path);
    doc.setIn(path, doc.createNode(value, { flow: typeof value === 'object' && value !== null }));
  }
  // lineWidth 0: no re-folding of long texts, so every line after a set keeps its number.
  return doc.toString({ lineWidth: 0 });
}

/** Creates the missing maps on a path, so a set can reach a key the file leaves to its profile. */
function ensureMaps(doc: ReturnType<typeof parseDocument>, path: IssuePath): void {
  for (let n = 1; n < path.length; n++) {
    const prefix = path.slice(0, n);
    if (!doc.hasIn(prefix)) doc.setIn(prefix, doc.createNode({}));
    else if (!isMap(doc.getIn(prefix, true)) && typeof path[n] === 'string') return;
  }
}

/** The shell command that reproduces a run (quoted for POSIX shells). */
export function runCommand(file: string, sweep: boolean, sets: readonly string[], scale: number): string {
  const quote = (s: string): string => (/^[\w./=:,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return ['wsfleet run', file, ...(sweep ? ['--no-sweep'] : []), ...sets.map((s) => `--set ${quote(s)}`), ...(scale !== 1 ? [`--scale ${String(scale)}`] : [])].join(' ');
}
