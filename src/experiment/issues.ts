import type { z } from 'zod';

export type IssuePath = (string | number)[];

/** One problem with the user's input, located as precisely as we can. */
export interface InputIssue {
  /** The file (or `--set …` flag) the problem is in. */
  source: string;
  line?: number;
  column?: number;
  path: IssuePath;
  message: string;
}

/** Problems printed before the rest are counted: a file with thousands of unknown keys stays readable. */
export const MAX_PRINTED_ISSUES = 20;

/** `✖ file:line:col path: message`, one line per problem, the first {@link MAX_PRINTED_ISSUES} of them. */
export function formatIssues(issues: readonly InputIssue[], limit = MAX_PRINTED_ISSUES): string {
  const more = issues.length > limit ? [`… and ${String(issues.length - limit)} more`] : [];
  return issues
    .slice(0, limit)
    .map((i) => {
      const at = i.line === undefined ? i.source : `${i.source}:${String(i.line)}:${String(i.column ?? 1)}`;
      const path = i.path.length > 0 ? ` ${formatPath(i.path)}:` : '';
      return `✖ ${at}${path} ${i.message}`;
    })
    .concat(more)
    .join('\n');
}

export function formatPath(path: readonly (string | number | symbol)[]): string {
  return path.map((p, k) => (typeof p === 'number' ? `[${String(p)}]` : `${k > 0 ? '.' : ''}${String(p)}`)).join('');
}

/** What a value looks like, for "got …" in messages. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an empty map' : `a map with ${keys.map((k) => `'${k}'`).join(', ')}`;
  }
  if (typeof value === 'string') return `'${value}'`;
  return String(value as number | boolean | bigint);
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  object: 'a map',
  array: 'a list',
  boolean: 'true or false',
};

type ZodIssue = z.core.$ZodIssue;

/** A path-located message per zod issue; unions report the branch that matches the input's shape. */
export function explainZodIssues(issues: readonly ZodIssue[], keysAt: (path: IssuePath) => string[]): { path: IssuePath; message: string }[] {
  // An unknown key already explains why a one-key map (oneOf) came out empty.
  const unknownAt = new Set(issues.filter((i) => i.code === 'unrecognized_keys').map((i) => JSON.stringify(i.path)));
  return issues.filter((i) => !(i.code === 'custom' && unknownAt.has(JSON.stringify(i.path)))).flatMap((issue) => explainOne(issue, keysAt));
}

function explainOne(issue: ZodIssue, keysAt: (path: IssuePath) => string[]): { path: IssuePath; message: string }[] {
  const path = issue.path as IssuePath;
  const got = `got ${describeValue(issue.input)}`;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return [{ path, message: `required: expected ${TYPE_NAMES[issue.expected] ?? issue.expected}` }];
      return [{ path, message: `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, ${got}` }];
    case 'too_small':
    case 'too_big':
      return [{ path, message: `${bound(issue)}, ${got}` }];
    case 'invalid_value':
      return [{ path, message: `expected one of ${issue.values.map((v) => String(v)).join(', ')}; ${got}` }];
    case 'unrecognized_keys': {
      const known = keysAt(path).join(', ');
      return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key '${key}'; expected one of: ${known}` }));
    }
    case 'invalid_union':
      return explainUnion(issue, keysAt);
    default:
      return [{ path, message: issue.message }];
  }
}

function bound(issue: Extract<ZodIssue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const limit = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  if (issue.origin === 'array') return `expected ${small ? 'at least' : 'at most'} ${limit} items`;
  if (issue.origin === 'string') return `expected ${small ? 'at least' : 'at most'} ${limit} characters`;
  const op = small ? (issue.inclusive === false ? '>' : '>=') : issue.inclusive === false ? '<' : '<=';
  return `expected a number ${op} ${limit}`;
}

/** Picks the union branch that failed deeper than a type mismatch at the root; else lists the shapes. */
function explainUnion(issue: Extract<ZodIssue, { code: 'invalid_union' }>, keysAt: (path: IssuePath) => string[]) {
  const path = issue.path as IssuePath;
  const rootMismatch = (branch: ZodIssue[]) =>
    branch.length === 1 && branch[0]?.path.length === 0 && (branch[0].code === 'invalid_type' || branch[0].code === 'invalid_value');
  const relevant = issue.errors.filter((branch) => !rootMismatch(branch));
  if (relevant.length === 1) {
    const nested = (relevant[0] as ZodIssue[]).map((i) => ({ ...i, path: [...path, ...i.path], input: i.input }) as ZodIssue);
    return explainZodIssues(nested, keysAt);
  }
  const expected = issue.errors.flatMap((branch) => (rootMismatch(branch) ? [describeExpected(branch[0] as ZodIssue)] : []));
  return [{ path, message: `expected ${expected.join(' or ')}; got ${describeValue(issue.input)}` }];
}

function describeExpected(issue: ZodIssue): string {
  if (issue.code === 'invalid_type') return TYPE_NAMES[issue.expected] ?? issue.expected;
  if (issue.code === 'invalid_value') return `one of ${issue.values.map((v) => String(v)).join(', ')}`;
  return issue.message;
}

/** The issues without repeats (the same source, path and message), in their first order. */
export function dedupeIssues(issues: readonly InputIssue[]): InputIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.source}|${i.path.join('.')}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
