// @ts-check
// Layer rules of src/: which folder may import which (README, Design). `npm run lint` runs them.
// Type-only imports count: a layer that needs another's types depends on it.

/**
 * A path under src/: `ours('sim')` matches src/sim/….
 * @param {...string} layers
 */
const ours = (...layers) => `^src/(${layers.join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles hide the direction of a dependency and make modules load half-initialised.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'engine-imports-nothing-of-ours',
      severity: 'error',
      comment: 'engine/ is a clock, a heap and RNG streams; everything else builds on it.',
      from: { path: ours('engine') },
      to: { path: '^src/', pathNot: ours('engine', 'numeric') },
    },
    {
      name: 'numeric-imports-nothing-of-ours',
      severity: 'error',
      comment: 'numeric/ is arithmetic that gives the same bits on every engine; engine and strategies both use it.',
      from: { path: ours('numeric') },
      to: { path: '^src/', pathNot: ours('numeric') },
    },
    {
      name: 'metrics-imports-nothing-of-ours',
      severity: 'error',
      comment: "metrics/ is the one result schema of sim and real; it knows neither. Its statistics take log and exp from numeric/, which imports nothing of ours.",
      from: { path: ours('metrics') },
      to: { path: '^src/', pathNot: ours('metrics', 'numeric') },
    },
    {
      name: 'strategies-import-only-strategies',
      severity: 'error',
      comment: "Strategies are pure deciders shared by sim and real; they get `now` and `rng` passed in.",
      from: { path: ours('strategies') },
      to: { path: '^src/', pathNot: ours('strategies', 'numeric') },
    },
    {
      name: 'real-never-imports-sim',
      severity: 'error',
      comment: 'Real mode runs the shared strategies on sockets; a rule both worlds apply lives in strategies/ or metrics/.',
      from: { path: ours('real') },
      to: { path: ours('sim') },
    },
    {
      name: 'report-imports-only-metrics',
      severity: 'error',
      comment: 'report/ reads result files (the metrics schema), never the sim, real mode or the experiment loader.',
      from: { path: ours('report') },
      to: { path: '^src/', pathNot: ours('report', 'metrics') },
    },
    {
      name: 'cli-imports-experiment-and-report-entry',
      severity: 'error',
      comment: "cli/ wires commands to experiment/ and to report's public entry; it reaches sim and real only through experiment/.",
      from: { path: ours('cli') },
      to: { path: '^src/', pathNot: [ours('cli', 'experiment'), '^src/report/index\\.ts$'] },
    },
    {
      name: 'experiment-imports-the-layers-below',
      severity: 'error',
      comment: 'experiment/ loads files and runs them on sim or real; it never draws (report/) or parses flags (cli/).',
      from: { path: ours('experiment') },
      to: { path: '^src/', pathNot: ours('experiment', 'sim', 'real', 'metrics', 'strategies', 'engine') },
    },
    {
      name: 'experiment-schema-is-not-the-sim',
      severity: 'error',
      comment: 'The experiment schema is built from the strategy registry and the metrics catalogue, not from sim internals.',
      from: { path: '^src/experiment/schema/' },
      to: { path: ours('sim') },
    },
    {
      name: 'experiment-real-path-avoids-sim',
      severity: 'error',
      comment: 'Mapping an experiment to real mode must not pull in the sim; what both worlds need lives in strategies/ or metrics/.',
      from: { path: '^src/experiment/(to-real|real-run)\\.ts$' },
      to: { path: ours('sim') },
    },
    {
      name: 'sim-imports-engine-strategies-metrics',
      severity: 'error',
      comment: 'The model in virtual time builds on engine/, strategies/, metrics/ and numeric/ only.',
      from: { path: ours('sim') },
      to: { path: '^src/', pathNot: ours('sim', 'engine', 'strategies', 'metrics', 'numeric') },
    },
    {
      name: 'browser-clean-core',
      severity: 'error',
      comment: 'engine/, strategies/, sim/, metrics/, numeric/ and the experiment schema run in a Web Worker: no Node built-ins.',
      from: { path: [ours('engine', 'strategies', 'sim', 'metrics', 'numeric'), '^src/experiment/schema/'] },
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // TypeScript 6 is newer than dependency-cruiser 16 supports (<6), so it reads the sources with swc.
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.build.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
