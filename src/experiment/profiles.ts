import { z } from 'zod';
import { parseYaml } from './yaml-source.js';
import { explainZodIssues, type InputIssue } from './issues.js';
import { PROFILE_FIELDS, PROFILE_KINDS, profileFileSchema, type ProfileKind, type ProfileNames } from './schema/experiment.js';
import type { YamlSource } from './yaml-source.js';

/**
 * Where component profiles come from: the models/ folder on disk (`dirProfileStore` in
 * profile-files.ts) or texts bundled into a page (`textProfileStore`). Loading and validation are the
 * same for both, so the playground reports a bad profile exactly as the CLI does.
 */
export interface ProfileStore {
  /** The profile names of a kind, sorted. */
  names(kind: ProfileKind): string[];
  /** The profile's text and the name issues call it by, or an issue saying why it cannot be read. */
  read(kind: ProfileKind, name: string): { text: string; displayName: string } | { issues: InputIssue[] };
}

/** Profiles given as texts keyed `<kind>/<name>` (as a bundler's glob of models/ gives them). */
export function textProfileStore(texts: Readonly<Record<string, string>>): ProfileStore {
  return {
    names: (kind) =>
      Object.keys(texts)
        .filter((key) => key.startsWith(`${kind}/`))
        .map((key) => key.slice(kind.length + 1))
        .sort(),
    read: (kind, name) => {
      const text = texts[`${kind}/${name}`];
      const displayName = `models/${kind}/${name}.yaml`;
      return text === undefined ? { issues: [{ source: displayName, path: [], message: 'cannot read: file not found' }] } : { text, displayName };
    },
  };
}

/** The profile names of every kind in a store. */
export function profileNames(store: ProfileStore): ProfileNames {
  return Object.fromEntries(PROFILE_KINDS.map((k) => [k, store.names(k)])) as unknown as ProfileNames;
}

export interface LoadedProfile {
  name: string;
  description: string;
  sources: string[];
  values: Record<string, unknown>;
  source: YamlSource;
}

/** Reads and validates one profile of a store; its values may be any subset of the section's fields. */
export function profileFrom(store: ProfileStore, kind: ProfileKind, name: string): { profile: LoadedProfile } | { issues: InputIssue[] } {
  const text = store.read(kind, name);
  if ('issues' in text) return text;
  const read = parseYaml(text.text, text.displayName);
  if ('issues' in read) return read;
  const schema = profileFileSchema.extend({ values: z.object(PROFILE_FIELDS[kind]).partial().strict() });
  const parsed = schema.safeParse(read.source.data, { reportInput: true });
  if (!parsed.success) {
    const keysAt = () => Object.keys(PROFILE_FIELDS[kind]);
    return {
      issues: explainZodIssues(parsed.error.issues, keysAt).map((i) => ({ source: read.source.name, ...read.source.locate(i.path), ...i })),
    };
  }
  const values = (read.source.data as { values: Record<string, unknown> }).values;
  return { profile: { name, description: parsed.data.description, sources: parsed.data.sources, values, source: read.source } };
}
