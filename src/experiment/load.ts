import { explainZodIssues, type InputIssue, type IssuePath } from './issues.js';
import { objectSource, parseYaml, readYaml, type YamlSource } from './yaml-source.js';
import { applySet, parseSetFlag, type SetFlag } from './overrides.js';
import { listProfiles, loadProfile, type LoadedProfile } from './profiles.js';
import { buildExperimentSchema, PROFILE_SLOTS, type Experiment } from './schema/experiment.js';
import { keysAt } from './schema/keys.js';
import { modelsDir } from './paths.js';
import { scaleClients } from './scale.js';

export interface LoadOptions {
  /** `path=value` overrides, applied in order before profiles are merged. */
  sets?: readonly string[];
  seed?: number | undefined;
  modelsDir?: string;
  /** Values set at paths after the `sets`, e.g. one variant of a sweep grid. */
  overrides?: readonly SetFlag[];
  /** Multiplies client counts and arrival rates (see scaleClients). @default 1 */
  scale?: number;
  /** Chart names the report layer can draw; the schema accepts only these. */
  chartNames?: readonly string[];
}

export type LoadResult = { ok: true; experiment: Experiment; profiles: LoadedProfile[] } | { ok: false; issues: InputIssue[] };

/**
 * Where an experiment comes from: a YAML file, YAML text, or the same settings as a plain object.
 * `name` is what issues call the text or object. @default '<yaml>' or '<object>'
 */
export type ExperimentInput = { file: string } | { yaml: string; name?: string } | { data: Record<string, unknown>; name?: string };

interface Origin {
  profile: LoadedProfile;
  path: readonly (string | number)[];
  keys: Set<string>;
}

/**
 * Reads, overrides, merges profiles into and validates an experiment file.
 * Nothing is run or written here; every problem comes back located in its file or flag.
 */
export function loadExperiment(file: string, options: LoadOptions = {}): LoadResult {
  return readExperiment({ file }, options);
}

/**
 * Validates an experiment given as YAML text or as a plain object, as {@link loadExperiment} does a file:
 * profiles from models/ are merged in and every problem comes back as an issue, never thrown.
 */
export function parseExperiment(input: string | Record<string, unknown>, options: LoadOptions = {}): LoadResult {
  return readExperiment(typeof input === 'string' ? { yaml: input } : { data: input }, options);
}

/** Reads an experiment from any {@link ExperimentInput}; the functions above are its two common forms. */
export function readExperiment(input: ExperimentInput, options: LoadOptions = {}): LoadResult {
  const read = readInput(input);
  if ('issues' in read) return { ok: false, issues: read.issues };
  return validateSource(read.source, options);
}

function readInput(input: ExperimentInput): { source: YamlSource } | { issues: InputIssue[] } {
  if ('file' in input) return readYaml(input.file);
  if ('yaml' in input) return parseYaml(input.yaml, input.name ?? '<yaml>');
  return { source: objectSource(input.data, input.name ?? '<object>') };
}

function validateSource(source: YamlSource, options: LoadOptions): LoadResult {
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
  for (const override of options.overrides ?? []) {
    const problem = applySet(data, override);
    if (problem) issues.push(problem);
    else sets.push(override);
  }
  if (options.seed !== undefined) {
    data.seed = options.seed;
    sets.push({ flag: `--seed ${String(options.seed)}`, path: ['seed'], value: options.seed });
  }
  const dir = options.modelsDir ?? modelsDir();
  const origins = mergeProfiles(data, dir, issues, (path) => locate(source, sets, [], path));
  if (issues.length > 0) return { ok: false, issues };
  if (options.scale !== undefined && options.scale !== 1) scaleClients(data, options.scale);

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
      const loaded = loadProfile(slot.kind, name, dir);
      if ('issues' in loaded) {
        const known = listProfiles(dir)[slot.kind];
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
