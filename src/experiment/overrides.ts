import { parse } from 'yaml';
import type { InputIssue, IssuePath } from './issues.js';
import { MAX_ALIAS_COUNT } from './yaml-source.js';

/** One `--set path=value` flag, parsed. */
export interface SetFlag {
  flag: string;
  path: IssuePath;
  value: unknown;
}

/** Path parts that would reach an object's prototype instead of a setting. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Parses `a.b.0.c=value`; the value is read as YAML, so `20`, `true` and `{ immediate: {} }` work. */
export function parseSetFlag(flag: string): SetFlag | InputIssue {
  const source = `--set ${flag}`;
  const eq = flag.indexOf('=');
  if (eq <= 0) return { source, path: [], message: 'expected PATH=VALUE, e.g. fleet.servers=20' };
  const parts = flag.slice(0, eq).split('.');
  if (parts.some((seg) => seg === '')) return { source, path: [], message: 'expected a dotted path without empty parts' };
  const bad = parts.find((seg) => FORBIDDEN.has(seg));
  if (bad !== undefined) return { source, path: [], message: `'${bad}' is not a setting; expected a path of experiment keys and list indices, e.g. fleet.servers` };
  const negative = parts.find((seg) => /^-\d+$/.test(seg));
  if (negative !== undefined) return { source, path: [], message: `expected list indices from 0, got ${negative}` };
  const path = parts.map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
  try {
    return { flag: source, path, value: parse(flag.slice(eq + 1), { maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (error) {
    return { source, path, message: `value is not valid YAML: ${(error as Error).message.split('\n')[0] ?? ''}` };
  }
}

/**
 * Writes `value` at `path` inside `root`, creating maps (or lists, for numeric parts) on the way.
 * A part that would change nothing (a name inside a list, an index past the end) is an issue.
 */
export function applySet(root: Record<string, unknown>, set: SetFlag): InputIssue | undefined {
  let node: unknown = root;
  for (let k = 0; k < set.path.length; k++) {
    const seg = set.path[k] as string | number;
    const at = set.path.slice(0, k);
    if (typeof seg === 'string' && FORBIDDEN.has(seg)) return { source: set.flag, path: at, message: `'${seg}' is not a setting` };
    if (Array.isArray(node)) {
      if (typeof seg !== 'number') return { source: set.flag, path: at, message: `expected a list index (0 to ${String(node.length)}) after ${at.join('.')}, got '${seg}'` };
      if (seg > node.length) return { source: set.flag, path: at, message: `expected a list index from 0 to ${String(node.length)} (${String(node.length)} adds an item), got ${String(seg)}` };
    }
    const container = node as Record<string | number, unknown>;
    if (k === set.path.length - 1) {
      container[seg] = set.value;
      return undefined;
    }
    const present = Object.hasOwn(container, seg) ? container[seg] : undefined;
    if (present === undefined || present === null) container[seg] = typeof set.path[k + 1] === 'number' ? [] : {};
    node = container[seg];
    if (typeof node !== 'object' || node === null) {
      return { source: set.flag, path: set.path.slice(0, k + 1), message: `cannot set inside ${typeof node}` };
    }
  }
  return undefined;
}
