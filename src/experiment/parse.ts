import { explainZodIssues, type InputIssue, type IssuePath } from './issues.js';
import { objectSource, parseYaml, type YamlSource } from './yaml-source.js';
import { applySet, parseSetFlag, type SetFlag } from './overrides.js';
import { profileFrom, profileNames, type LoadedProfile, type ProfileStore } from './profiles.js';
import { buildExperimentSchema, PROFILE_SLOTS, type Experiment } from './schema/experiment.js';
import { keysAt } from './schema/keys.js';
import { scaleClients } from './scale.js';

/** How an experiment is read: overrides, seed, scale, and the chart names the schema accepts. */
export interface ParseOptions {
  /** `path=value` overrides, applied in order before profiles are merged. */
  sets?: readonly string[];
  seed?: number | undefined;
  /** Values set at paths after the `sets`, e.g. one variant of a sweep grid. */
  overrides?: readonly SetFlag[];
  /** Multiplies client counts and arrival rates (see scaleClients). @default 1 */
  scale?: number;
  /** Chart names the report layer can draw; the schema accepts only these. */
  chartNames?: readonly string[];
  /** Run once with the file's own values: the `sweep:` block is dropped before validation (`wsfleet run --no-sweep`). @default false */
  noSweep?: boolean;
}

export type LoadResult = { ok: true; experiment: Experiment; profiles: LoadedProfile[] } | { ok: false; issues: InputIssue[] };

/** Experiment text or settings that are not a file: YAML text, or the same settings as a plain object. */
export type ExperimentText = { yaml: string; name?: string } | { data: Record<string, unknown>; name?: string };

interface Origin {
  profile: LoadedProfile;
  path: readonly (string | number)[];
  keys: Set<string>;
}

/**
 * Validates an experiment given as YAML text or as an object against the profiles of `store`:
 * overrides applied, profiles merged in, every problem returned as an issue located in its text,
 * flag or profile, never thrown. Nothing here touches a file system, so a browser runs it too.
 */
export function parseExperimentText(input: ExperimentText, store: ProfileStore, options: ParseOptions = {}): LoadResult {
  const read = 'yaml' in input ? parseYaml(input.yaml, input.name ?? '<yaml>') : { source: objectSource(input.data, input.name ?? '<object>') };
  if ('issues' in read) return { ok: false, issues: read.issues };
  return validateSource(read.source, store, options);
}

/** Validates a parsed YAML source (see {@link parseExperimentText}). */
export function validateSource(source: YamlSource, store: ProfileStore, options: ParseOptions): LoadResult {
  if (typeof source.data !== 'object' || source.data === null || Array.isArray(source.data)) {
    return { ok: false, issues: [{ source: source.name, path: [], message: 'expected a map of experiment settings' }] };
  }
  const data = structuredClone(source.data) as Record<string, unknown>;
  if (options.noSweep === true) {
    // One variant draws a run's charts, not the sweep's: the sweep's key chart does not apply.
    if (data.sweep !== undefined) delete data.keyChart;
    delete data.sweep;
  }
  const sets: SetFlag[] = [];
  const issues: InputIssue[] = [];
  for (const flag of options.sets ?? []) {
    const parsed = parseSetFlag(flag);
    const problem = 'message' in parsed ? parsed : applySet(data, parsed);
    if (problem) issues.push(problem);
    else sets.push(parsed as SetFlag);
  }
  for (const override of options.overrides ?? []) {
    const problem = applySet(data, override);
    if (problem) issues.push(problem);
    else sets.push(override);
  }
  if (options.seed !== undefined) {
    data.seed = options.seed;
    sets.push({ flag: `--seed ${String(options.seed)}`, path: ['seed'], value: options.seed });
  }
  const origins = mergeProfiles(data, store, issues, (path) => locate(source, sets, [], path));
  if (issues.length > 0) return { ok: false, issues };
  if (options.scale !== undefined && options.scale !== 1) scaleClients(data, options.scale);

  const schema = buildExperimentSchema(profileNames(store), options.chartNames ?? []);
  const parsed = schema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const explained = explainZodIssues(parsed.error.issues, (path) => keysAt(schema, path));
    return { ok: false, issues: explained.map((i) => ({ ...locate(source, sets, origins, i.path), path: i.path, message: i.message })) };
  }
  return { ok: true, experiment: parsed.data, profiles: origins.map((o) => o.profile) };
}

/** Replaces each profile reference by the profile's values under the experiment's own keys. */
function mergeProfiles(data: Record<string, unknown>, store: ProfileStore, issues: InputIssue[], at: (path: IssuePath) => InputIssue): Origin[] {
  const origins: Origin[] = [];
  for (const slot of PROFILE_SLOTS) {
    for (const path of expandSlot(data, slot.path)) {
      const parent = getIn(data, path.slice(0, -1));
      if (typeof parent !== 'object' || parent === null) continue;
      const key = path[path.length - 1] as string;
      const present = (parent as Record<string, unknown>)[key];
      if (present === undefined && slot.unlessSibling !== undefined && slot.unlessSibling in parent) continue;
      const section = (present ?? {}) as Record<string, unknown>;
      if (typeof section !== 'object' || Array.isArray(section)) continue;
      const name = section.profile ?? slot.fallback;
      if (typeof name !== 'string') continue;
      const loaded = profileFrom(store, slot.kind, name);
      if ('issues' in loaded) {
        const known = store.names(slot.kind);
        const missing = !known.includes(name);
        issues.push(
          ...(missing
            ? [{ ...at([...path.map(toSegment), 'profile']), message: `unknown ${slot.kind} profile '${name}'; expected one of: ${known.join(', ')}` }]
            : loaded.issues),
        );
        continue;
      }
      const own = new Set(Object.keys(section));
      const keys = new Set(Object.keys(loaded.profile.values).filter((k) => !own.has(k)));
      (parent as Record<string, unknown>)[key] = { profile: name, ...overlay(loaded.profile.values, section) };
      origins.push({ profile: loaded.profile, path: path.map(toSegment), keys });
    }
  }
  return origins;
}

/** The concrete paths of a slot path, `*` standing for every index of a list. */
function expandSlot(data: unknown, path: readonly string[]): string[][] {
  const star = path.indexOf('*');
  if (star < 0) return [[...path]];
  const list = getIn(data, path.slice(0, star));
  if (!Array.isArray(list)) return [];
  return list.flatMap((_, k) => expandSlot(data, [...path.slice(0, star), String(k), ...path.slice(star + 1)]));
}

/**
 * The experiment's keys over the profile's. Maps that share a key merge one level down
 * (a partial `healthCheck`, or new options for the same strategy); maps that share none,
 * such as a different distribution kind, replace the profile's.
 */
function overlay(base: Record<string, unknown>, top: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(top)) {
    const b = base[k];
    out[k] = isMap(b) && isMap(v) && Object.keys(v).some((key) => key in b) ? overlay(b, v) : v;
  }
  return out;
}

/** Path segments as issue paths have them: list indices are numbers. */
const toSegment = (seg: string): string | number => (/^\d+$/.test(seg) ? Number(seg) : seg);

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The flag, profile file or experiment line a path's value came from. */
function locate(source: YamlSource, sets: readonly SetFlag[], origins: readonly Origin[], path: IssuePath): InputIssue {
  const set = [...sets].reverse().find((s) => s.path.every((seg, k) => path[k] === seg));
  if (set) return { source: set.flag, path, message: '' };
  for (const o of origins) {
    const inside = o.path.every((seg, k) => path[k] === seg);
    const key = path[o.path.length];
    if (inside && typeof key === 'string' && o.keys.has(key)) {
      const rest = path.slice(o.path.length);
      return { source: o.profile.source.name, ...o.profile.source.locate(['values', ...rest]), path, message: '' };
    }
  }
  return { source: source.name, ...source.locate(path), path, message: '' };
}

function getIn(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (node, seg) => (typeof node === 'object' && node !== null ? (node as Record<string | number, unknown>)[Array.isArray(node) ? Number(seg) : seg] : undefined),
    data,
  );
}
