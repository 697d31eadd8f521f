import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A compiled child entry point; from the TypeScript sources (tests) it is looked up in dist/. */
export function childFile(name: string): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? join(dirname(here), '..', '..', 'dist', 'src', 'real', `${name}.js`) : join(dirname(here), `${name}.js`);
}
