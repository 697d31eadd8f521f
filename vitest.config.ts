import { defineConfig } from 'vitest/config';

/** Lanes that run the CLI or fork real-mode children from dist/ compile src/ first (test/setup/build.ts). */
const build = ['test/setup/build.ts'];
const library = 'test/cli/library-runs-*.test.ts';
/** CLI tests that call their module in process: no child, no build. */
const cliInProcess = ['test/cli/progress.test.ts', 'test/cli/help.test.ts'];
/** Tests outside test/cli whose point is a child process: the peak RSS of `wsfleet run`, charts drawn in a fresh Node, the README's library example in a fresh project. */
const cliChildren = ['test/experiment/budget.test.ts', 'test/report/render-process.test.ts', 'test/library/readme-example.test.ts'];

/**
 * Lanes whose tests only compute (in process or in CLI children) and assert nothing about time run
 * first, two files at once (vitest otherwise gives this two-core machine one worker). The real lane
 * (sockets, processes, timeouts) and the browser lane (Chromium) then run alone, one file at a time,
 * so nothing else competes for the cores while they measure. A group's projects share one worker count.
 */
const computeGroup = { maxWorkers: 2, sequence: { groupOrder: 0 } };
const aloneGroup = (order: number) => ({ maxWorkers: 1, sequence: { groupOrder: order } });

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
          ...computeGroup,
        },
      },
      { extends: true, test: { name: 'model', include: ['test/sim/**/*.test.ts', 'test/plan/**/*.test.ts'], isolate: false, ...computeGroup } },
      {
        extends: true,
        test: { name: 'cli', include: ['test/cli/**/*.test.ts', ...cliChildren], exclude: [library, ...cliInProcess], globalSetup: build, ...computeGroup },
      },
      { extends: true, test: { name: 'golden', include: [library], globalSetup: build, ...computeGroup } },
      { extends: true, test: { name: 'real', include: ['test/real/**/*.test.ts'], globalSetup: build, ...aloneGroup(1) } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], globalSetup: ['test/setup/build-playground.ts'], ...aloneGroup(2) } },
    ],
  },
});
