import { stringify } from 'yaml';
import type { Experiment } from './schema/experiment.js';
import { packageVersion } from './paths.js';

/** The experiment with every default and profile value filled in: enough to reproduce the run. */
export function resolvedExperimentYaml(e: Experiment): string {
  const { $schema: _schema, ...rest } = e;
  const header = '# Resolved by wsfleet: every default and profile value filled in. Run it again with `wsfleet run` on this file.\n';
  return header + stringify({ wsfleetVersion: packageVersion(), ...rest }, { lineWidth: 0 });
}
