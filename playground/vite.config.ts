import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, '..', 'src');

/**
 * The model must run in a browser unchanged: a `node:` (or bare built-in) import reached from our
 * own src/ or playground/ fails the build, naming the importer, instead of becoming a stub that
 * throws at run time. Libraries' guarded requires (seedrandom's optional crypto) are left to them.
 */
function noNodeModules(): Plugin {
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  return {
    name: 'wsfleet-no-node-modules',
    enforce: 'pre',
    resolveId(id, importer) {
      if (importer === undefined || !builtins.has(id)) return null;
      if (importer.startsWith(src) || importer.startsWith(here)) {
        this.error(`${relative(join(here, '..'), importer)} imports ${id}; the playground runs in a browser, where no node: module exists`);
      }
      return null;
    },
  };
}

export default defineConfig({
  root: here,
  base: './',
  plugins: [noNodeModules()],
  worker: { format: 'es', plugins: () => [noNodeModules()] },
  build: {
    rolldownOptions: {
      // hdr-histogram-js reaches Node's require through eval on a path the browser never takes.
      onLog(level, log, handler) {
        if (log.code === 'EVAL' && (log.id ?? log.message).includes('hdr-histogram-js')) return;
        handler(level, log);
      },
    },
    outDir: join(here, '..', 'dist', 'playground'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    reportCompressedSize: false,
  },
});
