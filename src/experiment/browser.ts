/**
 * What the browser playground uses of the experiment layer: reading experiment text against bundled
 * profiles, sweeps' variants, the schema at a path (for controls), budgets, and a run advanced in
 * slices. Nothing reachable from here imports a `node:` module; the playground's build fails if one does.
 */
export { parseExperimentText, type ExperimentText, type ParseOptions, type LoadResult } from './parse.js';
export { textProfileStore, profileNames, type ProfileStore } from './profiles.js';
export { parseYaml } from './yaml-source.js';
export { formatIssues, formatPath, type InputIssue, type IssuePath } from './issues.js';
export { parseSetFlag, type SetFlag } from './overrides.js';
export { expandGrid, type Variant } from './sweep.js';
export { ExperimentRun, faultMarks } from './run.js';
export { estimateRun, formatBytes, type RunBudget } from './budget.js';
export { buildExperimentSchema, PROFILE_KINDS, type Experiment } from './schema/experiment.js';
export { schemaAt, defOf, unwrap } from './schema/keys.js';
