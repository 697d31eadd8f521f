import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { admissions, backoffs, backpressures, balancers, heartbeats, listProfiles, loadProfile, packageRoot, PROFILE_KINDS, resumes, shedders, type StrategyEntry } from '../experiment/index.js';
import { chartKindDocs, charts, displayPath } from '../report/index.js';
import { InputError } from './errors.js';
import { textTable } from './table.js';

type Row = { kind: string; name: string; doc: string };

const strategyRows = (kind: string, registry: Record<string, StrategyEntry<unknown>>): Row[] =>
  Object.entries(registry).map(([name, e]) => ({ kind, name, doc: e.doc }));

function experimentRows(): Row[] {
  const dir = join(packageRoot(), 'experiments');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      return { kind: 'experiment', name: displayPath(join(dir, f)), doc: firstQuestionLine(join(dir, f)) };
    });
}

/** The first line of an experiment's question; a file that does not parse gets an empty line. */
function firstQuestionLine(file: string): string {
  try {
    const doc = parse(readFileSync(file, 'utf8'), { maxAliasCount: 100 }) as { question?: unknown } | null;
    return typeof doc?.question === 'string' ? (doc.question.split('\n')[0] ?? '') : '';
  } catch {
    return '';
  }
}

function profileRows(): Row[] {
  const names = listProfiles();
  return PROFILE_KINDS.flatMap((kind) =>
    names[kind].map((name) => {
      const loaded = loadProfile(kind, name);
      return { kind: `profile:${kind}`, name, doc: 'profile' in loaded ? loaded.profile.description : 'invalid profile file' };
    }),
  );
}

const SECTIONS: Record<string, () => Row[]> = {
  experiments: experimentRows,
  profiles: profileRows,
  strategies: () => [
    ...strategyRows('balancer', balancers),
    ...strategyRows('reconnect', backoffs),
    ...strategyRows('heartbeat', heartbeats),
    ...strategyRows('admission', admissions),
    ...strategyRows('shedding', shedders),
    ...strategyRows('backpressure', backpressures),
    ...strategyRows('resume', resumes),
  ],
  charts: () => [
    ...Object.entries(charts).map(([name, c]) => ({ kind: 'chart', name, doc: c.doc })),
    ...Object.entries(chartKindDocs).map(([name, doc]) => ({ kind: 'chart-with-options', name, doc })),
  ],
};

export function listCommand(what: string | undefined, options: { json?: boolean }): void {
  if (what !== undefined && !(what in SECTIONS)) {
    throw new InputError(`✖ wsfleet list: expected one of ${Object.keys(SECTIONS).join(', ')}; got '${what}'`);
  }
  const rows = (what === undefined ? Object.values(SECTIONS) : [SECTIONS[what] as () => Row[]]).flatMap((f) => f());
  if (options.json) {
    process.stdout.write(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    return;
  }
  process.stdout.write(textTable(rows.map((r) => [r.kind, r.name, r.doc]), 'text') + '\n');
}
