import { readFileSync } from 'node:fs';
import type { InputIssue } from './issues.js';
import { parseYaml, type YamlSource } from './yaml-source.js';

/** Reads and parses a YAML file; syntax errors come back as issues with their line. */
export function readYaml(file: string, displayName = file): { source: YamlSource } | { issues: InputIssue[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    return { issues: [{ source: displayName, path: [], message: `cannot read: ${reason}` }] };
  }
  return parseYaml(text, displayName);
}
