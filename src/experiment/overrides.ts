import { parse } from 'yaml';
import type { InputIssue, IssuePath } from './issues.js';

/** One `--set path=value` flag, parsed. */
export interface SetFlag {
  flag: string;
  path: IssuePath;
  value: unknown;
}

/** Parses `a.b.0.c=value`; the value is read as YAML, so `20`, `true` and `{ immediate: {} }` work. */
export function parseSetFlag(flag: string): SetFlag | InputIssue {
  const source = `--set ${flag}`;
  const eq = flag.indexOf('=');
  if (eq <= 0) return { source, path: [], message: 'expected PATH=VALUE, e.g. fleet.servers=20' };
  const path = flag
    .slice(0, eq)
    .split('.')
    .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
  if (path.some((seg) => seg === '')) return { source, path: [], message: 'expected a dotted path without empty parts' };
  try {
    return { flag: source, path, value: parse(flag.slice(eq + 1)) as unknown };
  } catch (error) {
    return { source, path, message: `value is not valid YAML: ${(error as Error).message.split('\n')[0] ?? ''}` };
  }
}

/** Writes `value` at `path` inside `root`, creating maps (or lists, for numeric parts) on the way. */
export function applySet(root: Record<string, unknown>, set: SetFlag): InputIssue | undefined {
  let node: unknown = root;
  for (let k = 0; k < set.path.length - 1; k++) {
    const seg = set.path[k] as string | number;
    const container = node as Record<string | number, unknown>;
    if (container[seg] === undefined || container[seg] === null) container[seg] = typeof set.path[k + 1] === 'number' ? [] : {};
    node = container[seg];
    if (typeof node !== 'object') {
      return { source: set.flag, path: set.path.slice(0, k + 1), message: `cannot set inside ${typeof node}` };
    }
  }
  (node as Record<string | number, unknown>)[set.path[set.path.length - 1] as string | number] = set.value;
  return undefined;
}
