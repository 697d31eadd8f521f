import { readFileSync } from 'node:fs';
import type { InputIssue } from './issues.js';
import { parseYaml, type YamlSource } from './yaml-source.js';

/** A file's text, or an issue naming it and why it cannot be read. */
export function readText(file: string, displayName = file): { text: string } | { issues: InputIssue[] } {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    return { issues: [{ source: displayName, path: [], message: `cannot read: ${reason}` }] };
  }
}

/** Reads and parses a YAML file; syntax errors come back as issues with their line. */
export function readYaml(file: string, displayName = file): { source: YamlSource } | { issues: InputIssue[] } {
  const read = readText(file, displayName);
  return 'issues' in read ? read : parseYaml(read.text, displayName);
}
