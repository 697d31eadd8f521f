import { defineConfig } from 'vitest/config';

/** Lanes that run the CLI or fork real-mode children from dist/ compile src/ first (test/setup/build.ts). */
const build = ['test/setup/build.ts'];
const library = 'test/cli/library-runs-*.test.ts';
/** CLI tests that call their module in process: no child, no build. */
const cliInProcess = ['test/cli/progress.test.ts', 'test/cli/help.test.ts'];
/** Tests outside test/cli whose point is a child process: the peak RSS of `wsfleet run`, charts drawn in a fresh Node, the README's library example in a fresh project. */
const cliChildren = ['test/experiment/budget.test.ts', 'test/report/render-process.test.ts', 'test/library/readme-example.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/{engine,numeric,strategies,metrics,experiment,report,scripts,playground}/**/*.test.ts', ...cliInProcess],
          exclude: cliChildren,
          isolate: false,
        },
      },
      { extends: true, test: { name: 'model', include: ['test/sim/**/*.test.ts', 'test/plan/**/*.test.ts'], isolate: false } },
      {
        extends: true,
        test: { name: 'cli', include: ['test/cli/**/*.test.ts', ...cliChildren], exclude: [library, ...cliInProcess], globalSetup: build },
      },
      { extends: true, test: { name: 'golden', include: [library], globalSetup: build } },
      { extends: true, test: { name: 'real', include: ['test/real/**/*.test.ts'], globalSetup: build } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], globalSetup: ['test/setup/build-playground.ts'] } },
    ],
  },
});
