import { parse } from 'yaml';
import { textProfileStore, type ProfileStore } from '../src/experiment/browser.js';

/** The library's experiments (experiments/*.yaml) as texts, bundled into the page: each is a lesson. */
const experimentTexts = import.meta.glob<string>('../experiments/*.yaml', { query: '?raw', import: 'default', eager: true });
/** models/<kind>/<name>.yaml, bundled: the profiles the experiments name. */
const modelTexts = import.meta.glob<string>('../models/*/*.yaml', { query: '?raw', import: 'default', eager: true });

export interface Lesson {
  /** The file's stem, e.g. `reconnect-storm`. */
  id: string;
  /** The path `wsfleet run` is given, from the package root. */
  file: string;
  text: string;
  question: string;
  lookAt: string;
  sweep: boolean;
}

const stem = (path: string): string => path.replace(/^.*\//, '').replace(/\.yaml$/, '');

export const LESSONS: readonly Lesson[] = Object.entries(experimentTexts)
  .map(([path, text]) => {
    const data = parse(text) as { question?: string; lookAt?: string; sweep?: unknown };
    return { id: stem(path), file: `experiments/${stem(path)}.yaml`, text, question: data.question ?? '', lookAt: data.lookAt ?? '', sweep: data.sweep !== undefined };
  })
  .sort((a, b) => a.id.localeCompare(b.id));

export function lessonById(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}

/** The bundled profiles, keyed `<kind>/<name>` as the experiment loader reads them. */
export const PROFILES: ProfileStore = textProfileStore(
  Object.fromEntries(Object.entries(modelTexts).map(([path, text]) => [path.replace(/^\.\.\/models\//, '').replace(/\.yaml$/, ''), text])),
);
