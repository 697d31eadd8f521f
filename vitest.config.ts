import { defineConfig } from 'vitest/config';

/** Lanes that run the CLI or fork real-mode children from dist/ compile src/ first (test/setup/build.ts). */
const build = ['test/setup/build.ts'];
const library = 'test/cli/library-runs.test.ts';

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
          include: ['test/{engine,strategies,metrics,experiment,report,scripts}/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'model', include: ['test/sim/**/*.test.ts', 'test/cli/**/*.test.ts'], exclude: [library], globalSetup: build },
      },
      { extends: true, test: { name: 'golden', include: [library], globalSetup: build } },
      { extends: true, test: { name: 'real', include: ['test/real/**/*.test.ts'], globalSetup: build } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], globalSetup: build } },
    ],
  },
});
