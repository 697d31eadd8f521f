import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { InputIssue, IssuePath } from './issues.js';

/** A parsed YAML file that can point at the line of any path inside it. */
export interface YamlSource {
  readonly name: string;
  readonly data: unknown;
  locate(path: IssuePath): { line?: number; column?: number };
}

/** Reads and parses a YAML file; syntax errors come back as issues with their line. */
export function readYaml(file: string, displayName = file): { source: YamlSource } | { issues: InputIssue[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    return { issues: [{ source: displayName, path: [], message: `cannot read: ${reason}` }] };
  }
  return parseYaml(text, displayName);
}

/** Parses YAML text; syntax errors come back as issues with their line. */
export function parseYaml(text: string, displayName: string): { source: YamlSource } | { issues: InputIssue[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => {
        const pos = counter.linePos(e.pos[0]);
        return { source: displayName, line: pos.line, column: pos.col, path: [], message: `invalid YAML: ${e.message.split('\n')[0] ?? ''}` };
      }),
    };
  }
  return { source: { name: displayName, data: doc.toJS() as unknown, locate: (path) => locateIn(doc, counter, path) } };
}

/** Data given as an object rather than text: issues carry paths but no lines. */
export function objectSource(data: unknown, displayName: string): YamlSource {
  return { name: displayName, data, locate: () => ({}) };
}

/** The line of the deepest node on `path` that exists; a missing key points at its parent. */
function locateIn(doc: Document, counter: LineCounter, path: IssuePath): { line?: number; column?: number } {
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    const key = prefix[prefix.length - 1];
    const parent = n > 0 ? doc.getIn(prefix.slice(0, -1), true) : undefined;
    // Point at the key itself where we can: that is where an unknown key is written.
    if (isMap(parent) && key !== undefined) {
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      const range = pair !== undefined && isScalar(pair.key) ? pair.key.range : undefined;
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
