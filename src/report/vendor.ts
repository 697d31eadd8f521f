import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The browser builds inlined into report.html, in load order (vega-lite and vega-embed need vega). */
const BUILDS = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
] as const;

/** A package's folder: the ancestor of its entry point named after it (their `exports` hide package.json). */
function packageDir(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)));
  while (!dir.endsWith(`/node_modules/${name}`) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

let cached: string | undefined;

/**
 * The UMD builds of vega, vega-lite and vega-embed as one script, safe inside a `<script>` element:
 * source-map comments dropped (the maps are not shipped with the page) and any `</script` escaped
 * (only inside strings or regular expressions, where `<\/` means the same).
 */
export function vendorScript(): string {
  cached ??= BUILDS.map(([name, file]) =>
    readFileSync(join(packageDir(name), file), 'utf8')
      .replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '')
      .replace(/<\/(script)/gi, '<\\/$1'),
  ).join('\n;\n');
  return cached;
}
