export { loadExperiment, type LoadOptions, type LoadResult } from './load.js';
export { formatIssues, type InputIssue } from './issues.js';
export { toSimConfig } from './to-sim.js';
export { listProfiles, loadProfile } from './profiles.js';
export { buildExperimentSchema, type Experiment } from './schema/experiment.js';
export { packageRoot, packageVersion, modelsDir } from './paths.js';
export { experimentJsonSchema } from './json-schema.js';
export { resolvedExperimentYaml } from './resolved.js';
