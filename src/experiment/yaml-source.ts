import { isMap, isPair, isScalar, LineCounter, parseDocument, visit, type Document, type YAMLMap } from 'yaml';
import type { InputIssue, IssuePath } from './issues.js';

/** A parsed YAML file that can point at the line of any path inside it. */
export interface YamlSource {
  readonly name: string;
  readonly data: unknown;
  locate(path: IssuePath): { line?: number; column?: number };
}

/** Parses YAML text; syntax errors come back as issues with their line. */
export function parseYaml(text: string, displayName: string): { source: YamlSource } | { issues: InputIssue[] } {
  const counter = new LineCounter();
  // yaml's own uniqueKeys check compares each key with every earlier one; ours is linear.
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  const errors = [...doc.errors.map((e) => ({ offset: e.pos[0], message: e.message.split('\n')[0] ?? '' })), ...duplicateKeys(doc)].sort((a, b) => a.offset - b.offset);
  if (errors.length > 0) {
    return {
      issues: errors.map((e) => {
        const pos = counter.linePos(e.offset);
        return { source: displayName, line: pos.line, column: pos.col, path: [], message: `invalid YAML: ${e.message}` };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (error) {
    // yaml refuses alias expansions beyond maxAliasCount (a "billion laughs" file).
    const first = firstAlias(doc);
    const at = first === undefined ? {} : position(counter, first);
    return { issues: [{ source: displayName, ...at, path: [], message: `invalid YAML: ${(error as Error).message}; expected at most ${String(MAX_ALIAS_COUNT)} alias expansions` }] };
  }
  return { source: { name: displayName, data, locate: locator(doc, counter) } };
}

/** Alias expansions a file may make (yaml's maxAliasCount); experiments need few or none. */
export const MAX_ALIAS_COUNT = 100;

/** The second and later occurrences of a key in the same map. */
function duplicateKeys(doc: Document): { offset: number; message: string }[] {
  const found: { offset: number; message: string }[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) found.push({ offset: (pair.key as { range?: [number] } | null)?.range?.[0] ?? 0, message: 'Map keys must be unique' });
        seen.add(key);
      }
    },
  });
  return found;
}

/** Offset of the first alias (`*name`) in a document. */
function firstAlias(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/** Data given as an object rather than text: issues carry paths but no lines. */
export function objectSource(data: unknown, displayName: string): YamlSource {
  return { name: displayName, data, locate: () => ({}) };
}

/** The line of the deepest node on `path` that exists; a missing key points at its parent. */
function locator(doc: Document, counter: LineCounter): (path: IssuePath) => { line?: number; column?: number } {
  // Key positions are indexed once per map, so locating many unknown keys stays linear.
  const index = new WeakMap<object, Map<unknown, [number, number, number]>>();
  const keyRanges = (map: YAMLMap): Map<unknown, [number, number, number]> => {
    let byKey = index.get(map);
    if (byKey === undefined) {
      byKey = new Map();
      for (const p of map.items) if (isPair(p) && isScalar(p.key) && p.key.range && !byKey.has(p.key.value)) byKey.set(p.key.value, p.key.range);
      index.set(map, byKey);
    }
    return byKey;
  };
  return (path) => locateIn(doc, counter, path, keyRanges);
}

function locateIn(doc: Document, counter: LineCounter, path: IssuePath, keyRanges: (map: YAMLMap) => Map<unknown, [number, number, number]>): { line?: number; column?: number } {
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    const key = prefix[prefix.length - 1];
    const parent = n > 0 ? doc.getIn(prefix.slice(0, -1), true) : undefined;
    // Point at the key itself where we can: that is where an unknown key is written.
    if (isMap(parent) && key !== undefined) {
      const range = keyRanges(parent).get(key);
      if (range) return position(counter, range[0]);
    }
    const node = n === 0 ? doc.contents : doc.getIn(prefix, true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range) return position(counter, range[0]);
  }
  return {};
}

function position(counter: LineCounter, offset: number): { line: number; column: number } {
  const p = counter.linePos(offset);
  return { line: p.line, column: p.col };
}
