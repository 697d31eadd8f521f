/**
 * Result folders on disk. wsfleet replaces a folder only when everything in it is wsfleet's:
 *
 *   files ──commitFolder──► DIR.partial-PID ──rename──► DIR   (the old DIR is moved aside, then removed)
 *   files ──updateFolder──► DIR/name.tmp-PID ──rename──► DIR/name   (report: its own files only)
 *
 * Each folder lists what wsfleet wrote in `.wsfleet-files`; a folder from before that list is
 * recognised by its file names. Anything else in it (notes, a sub-folder, a link) is a stranger.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve, sep } from 'node:path';

/** Files of a result folder by relative path, built in memory and written at once. */
export type FolderFiles = Record<string, string | Uint8Array>;

/** The list of files wsfleet wrote in a folder, one relative path a line. */
export const MANIFEST = '.wsfleet-files';

const MANIFEST_HEADER = '# Files written by wsfleet; it replaces this folder only while nothing else is in it.\n';

/** File names wsfleet writes, for folders written before the manifest existed. */
const OWN_FILE =
  /^(?:(?:variants\/[^/]+(?:\/replications\/r\d{4})?|sim|real)\/)?(?:experiment\.resolved\.yaml|timeseries\.csv|summary\.(?:json|csv)|events\.csv|distributions\.csv|report\.html|charts\/[^/]+\.(?:vl\.json|svg|png))$|^(?:sweep\.csv|shard\.json|validation\.csv|runs\/[^/]+\.json)$/;

/** A folder wsfleet will not replace or write into, with the reason; exit code 2. */
export class FolderRefusedError extends Error {
  readonly code = 'WSFLEET_ERR_FOLDER';
  constructor(message: string) {
    super(message);
    this.name = 'FolderRefusedError';
  }
}

/** `results/x/`, `results//x` and `results/./x` are all `results/x`. */
export function normaliseDir(dir: string): string {
  const n = normalize(dir === '' ? '.' : dir);
  const trimmed = n.length > 1 ? n.replace(/[\\/]+$/, '') : n;
  return trimmed === '' ? sep : trimmed;
}

function readManifest(dir: string): Set<string> | undefined {
  const file = join(dir, MANIFEST);
  if (!existsSync(file) || !lstatSync(file).isFile()) return undefined;
  return new Set(readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')));
}

function manifestText(paths: Iterable<string>): string {
  return MANIFEST_HEADER + [...new Set(paths)].sort().map((p) => `${p}\n`).join('');
}

/**
 * Paths in `dir` that wsfleet did not write, relative to it (folders end in `/`), at most `limit`.
 * Empty when `dir` is missing or holds only wsfleet's files.
 */
export function strangers(dir: string, limit = 5): string[] {
  if (!existsSync(dir)) return [];
  if (!lstatSync(dir).isDirectory()) return ['.'];
  const manifest = readManifest(dir);
  const legacy = manifest === undefined && existsSync(join(dir, 'experiment.resolved.yaml'));
  const ours = (path: string): boolean => path === MANIFEST || (manifest !== undefined ? manifest.has(path) : legacy && OWN_FILE.test(path));
  const found: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      if (found.length >= limit) return;
      const path = rel === '' ? name : `${rel}/${name}`;
      const stat = lstatSync(join(dir, path));
      if (stat.isDirectory()) {
        if (readdirSync(join(dir, path)).length === 0 && path !== 'runs') found.push(`${path}/`);
        else walk(path);
      } else if (!stat.isFile() || !ours(path)) {
        found.push(path);
      }
    }
  };
  walk('');
  return found;
}

/** Why `dir` may not be written as a whole, or undefined when it may. */
export function refusal(dir: string, force: boolean): string | undefined {
  const target = resolve(normaliseDir(dir));
  const cwd = process.cwd();
  if (target === dirname(target)) return 'expected a folder below the file system root';
  if (cwd === target || cwd.startsWith(target + sep)) return 'expected a folder that does not hold the current folder';
  if (existsSync(target) && !lstatSync(target).isDirectory()) return 'expected a folder, got a file';
  if (force) return undefined;
  const found = strangers(target);
  if (found.length === 0) return undefined;
  const list = `${found.join(', ')}${found.length >= 5 ? ', …' : ''}`;
  const ours = existsSync(join(target, MANIFEST)) || existsSync(join(target, 'experiment.resolved.yaml'));
  const what = ours ? `the folder holds files wsfleet did not write (${list})` : `the folder exists and is not a wsfleet result folder (${list})`;
  return `${what}; expected a new or empty folder, or an earlier result folder; --force replaces it anyway`;
}

/**
 * Writes a result folder. Everything goes to a sibling temp folder first and is renamed into
 * place, so a failed run leaves no partial output. A folder holding anything wsfleet did not
 * write is refused unless `force`.
 */
export function commitFolder(dir: string, files: FolderFiles, options: { force?: boolean } = {}): string[] {
  const target = resolve(normaliseDir(dir));
  const problem = refusal(target, options.force === true);
  if (problem !== undefined) throw new FolderRefusedError(`${normaliseDir(dir)}: ${problem}\nNothing was written.`);
  const tmp = `${target}.partial-${String(process.pid)}`;
  const old = `${target}.old-${String(process.pid)}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(tmp, name)), { recursive: true });
      writeFileSync(join(tmp, name), content);
    }
    writeFileSync(join(tmp, MANIFEST), manifestText(Object.keys(files)));
    mkdirSync(dirname(target), { recursive: true });
    if (existsSync(target)) renameSync(target, old);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
  return Object.keys(files).sort();
}

/**
 * Rewrites the files of `files` that `owned` accepts inside an existing folder, each atomically,
 * and removes earlier owned files that wsfleet listed and no longer writes. Nothing else is touched.
 */
export function updateFolder(dir: string, files: FolderFiles, owned: (path: string) => boolean): string[] {
  const target = resolve(normaliseDir(dir));
  const before = readManifest(target) ?? new Set(listOwn(target));
  const mine = Object.keys(files).filter(owned).sort();
  const tmpSuffix = `.tmp-${String(process.pid)}`;
  for (const name of mine) {
    const file = join(target, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file + tmpSuffix, files[name] as string | Uint8Array);
    renameSync(file + tmpSuffix, file);
  }
  const keep = new Set(mine);
  for (const name of before) {
    if (owned(name) && !keep.has(name) && existsSync(join(target, name)) && lstatSync(join(target, name)).isFile()) unlinkSync(join(target, name));
  }
  const listed = [...before].filter((p) => existsSync(join(target, p)));
  writeFileSync(join(target, MANIFEST), manifestText([...listed, ...mine]));
  return Object.keys(files).sort();
}

/** Files of a folder that match wsfleet's names (a folder written before the manifest). */
function listOwn(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel))) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const stat = lstatSync(join(dir, path));
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile() && OWN_FILE.test(path)) out.push(path);
    }
  };
  walk('');
  return out;
}

/** A path relative to the current folder when it is below it, else absolute. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || resolve(rel) !== resolve(path) ? resolve(path) : rel;
}
