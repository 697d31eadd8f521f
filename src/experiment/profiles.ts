import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { modelsDir } from './paths.js';
import { readYaml } from './yaml-source.js';
import { explainZodIssues, type InputIssue } from './issues.js';
import { PROFILE_FIELDS, PROFILE_KINDS, profileFileSchema, type ProfileKind, type ProfileNames } from './schema/experiment.js';
import type { YamlSource } from './yaml-source.js';

/** The profile names available in models/, sorted. */
export function listProfiles(dir = modelsDir()): ProfileNames {
  const names = (kind: ProfileKind) => {
    const folder = join(dir, kind);
    if (!existsSync(folder)) return [];
    return readdirSync(folder)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .sort();
  };
  return Object.fromEntries(PROFILE_KINDS.map((k) => [k, names(k)])) as unknown as ProfileNames;
}

export interface LoadedProfile {
  name: string;
  description: string;
  sources: string[];
  values: Record<string, unknown>;
  source: YamlSource;
}

/** Reads and validates models/<kind>/<name>.yaml; its values may be any subset of the section's fields. */
export function loadProfile(kind: ProfileKind, name: string, dir = modelsDir()): { profile: LoadedProfile } | { issues: InputIssue[] } {
  const file = join(dir, kind, `${name}.yaml`);
  const read = readYaml(file, relative(process.cwd(), file) || file);
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
