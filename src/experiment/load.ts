import { explainZodIssues, type InputIssue, type IssuePath } from './issues.js';
import { readYaml, type YamlSource } from './yaml-source.js';
import { applySet, parseSetFlag, type SetFlag } from './overrides.js';
import { listProfiles, loadProfile, type LoadedProfile } from './profiles.js';
import { buildExperimentSchema, PROFILE_SLOTS, type Experiment } from './schema/experiment.js';
import { keysAt } from './schema/keys.js';
import { modelsDir } from './paths.js';

export interface LoadOptions {
  /** `path=value` overrides, applied in order before profiles are merged. */
  sets?: readonly string[];
  seed?: number;
  modelsDir?: string;
  /** Chart names the report layer can draw; the schema accepts only these. */
  chartNames?: readonly string[];
}

export type LoadResult = { ok: true; experiment: Experiment; profiles: LoadedProfile[] } | { ok: false; issues: InputIssue[] };

interface Origin {
  profile: LoadedProfile;
  path: readonly string[];
  keys: Set<string>;
}

/**
 * Reads, overrides, merges profiles into and validates an experiment file.
 * Nothing is run or written here; every problem comes back located in its file or flag.
 */
export function loadExperiment(file: string, options: LoadOptions = {}): LoadResult {
  const read = readYaml(file);
  if ('issues' in read) return { ok: false, issues: read.issues };
  const { source } = read;
  if (typeof source.data !== 'object' || source.data === null || Array.isArray(source.data)) {
    return { ok: false, issues: [{ source: source.name, path: [], message: 'expected a map of experiment settings' }] };
  }
  const data = structuredClone(source.data) as Record<string, unknown>;
  const sets: SetFlag[] = [];
  const issues: InputIssue[] = [];
  for (const flag of options.sets ?? []) {
    const parsed = parseSetFlag(flag);
    const problem = 'message' in parsed ? parsed : applySet(data, parsed);
    if (problem) issues.push(problem);
    else sets.push(parsed as SetFlag);
  }
  if (options.seed !== undefined) {
    data.seed = options.seed;
    sets.push({ flag: `--seed ${String(options.seed)}`, path: ['seed'], value: options.seed });
  }
  const dir = options.modelsDir ?? modelsDir();
  const origins = mergeProfiles(data, dir, issues, (path) => locate(source, sets, [], path));
  if (issues.length > 0) return { ok: false, issues };

  const schema = buildExperimentSchema(listProfiles(dir), options.chartNames ?? []);
  const parsed = schema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const explained = explainZodIssues(parsed.error.issues, (path) => keysAt(schema, path));
    return { ok: false, issues: explained.map((i) => ({ ...locate(source, sets, origins, i.path), path: i.path, message: i.message })) };
  }
  return { ok: true, experiment: parsed.data, profiles: origins.map((o) => o.profile) };
}

/** Replaces each profile reference by the profile's values under the experiment's own keys. */
function mergeProfiles(data: Record<string, unknown>, dir: string, issues: InputIssue[], at: (path: IssuePath) => InputIssue): Origin[] {
  const origins: Origin[] = [];
  for (const slot of PROFILE_SLOTS) {
    const parent = getIn(data, slot.path.slice(0, -1));
    if (typeof parent !== 'object' || parent === null) continue;
    const key = slot.path[slot.path.length - 1] as string;
    const section = ((parent as Record<string, unknown>)[key] ?? {}) as Record<string, unknown>;
    if (typeof section !== 'object' || Array.isArray(section)) continue;
    const name = section.profile ?? slot.fallback;
    if (typeof name !== 'string') continue;
    const loaded = loadProfile(slot.kind, name, dir);
    if ('issues' in loaded) {
      const known = listProfiles(dir)[slot.kind];
      const missing = !known.includes(name);
      issues.push(
        ...(missing
          ? [{ ...at([...slot.path, 'profile']), message: `unknown ${slot.kind} profile '${name}'; expected one of: ${known.join(', ')}` }]
          : loaded.issues),
      );
      continue;
    }
    const own = new Set(Object.keys(section));
    const keys = new Set(Object.keys(loaded.profile.values).filter((k) => !own.has(k)));
    (parent as Record<string, unknown>)[key] = { profile: name, ...loaded.profile.values, ...section };
    origins.push({ profile: loaded.profile, path: slot.path, keys });
  }
  return origins;
}

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
  return path.reduce<unknown>((node, seg) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[seg] : undefined), data);
}
