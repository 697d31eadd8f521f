import { dirProfileStore } from './profile-files.js';
import { parseExperimentText, validateSource, type ExperimentText, type LoadResult, type ParseOptions } from './parse.js';
import { readYaml } from './yaml-file.js';

export type { LoadResult } from './parse.js';

export interface LoadOptions extends ParseOptions {
  /** The models/ folder profiles are read from. @default the package's models/ */
  modelsDir?: string;
}

/**
 * Where an experiment comes from: a YAML file, YAML text, or the same settings as a plain object.
 * `name` is what issues call the text or object. @default '<yaml>' or '<object>'
 */
export type ExperimentInput = { file: string } | ExperimentText;

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
  const store = dirProfileStore(options.modelsDir);
  if (!('file' in input)) return parseExperimentText(input, store, options);
  const read = readYaml(input.file);
  if ('issues' in read) return { ok: false, issues: read.issues };
  return validateSource(read.source, store, options);
}
