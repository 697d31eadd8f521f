import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { modelsDir } from './paths.js';
import { readText } from './yaml-file.js';
import { profileFrom, profileNames, type LoadedProfile, type ProfileStore } from './profiles.js';
import type { InputIssue } from './issues.js';
import type { ProfileKind, ProfileNames } from './schema/experiment.js';

/** The profiles of a models/ folder on disk: `<dir>/<kind>/<name>.yaml`. */
export function dirProfileStore(dir = modelsDir()): ProfileStore {
  return {
    names: (kind) => {
      const folder = join(dir, kind);
      if (!existsSync(folder)) return [];
      return readdirSync(folder)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => f.slice(0, -'.yaml'.length))
        .sort();
    },
    read: (kind, name) => {
      const file = join(dir, kind, `${name}.yaml`);
      const displayName = relative(process.cwd(), file) || file;
      const read = readText(file, displayName);
      return 'issues' in read ? read : { text: read.text, displayName };
    },
  };
}

/** The profile names available in models/, sorted. */
export function listProfiles(dir = modelsDir()): ProfileNames {
  return profileNames(dirProfileStore(dir));
}

/** Reads and validates models/<kind>/<name>.yaml; its values may be any subset of the section's fields. */
export function loadProfile(kind: ProfileKind, name: string, dir = modelsDir()): { profile: LoadedProfile } | { issues: InputIssue[] } {
  return profileFrom(dirProfileStore(dir), kind, name);
}
