import { z } from 'zod';
import { listProfiles } from './profile-files.js';
import { buildExperimentSchema } from './schema/experiment.js';

/** The JSON Schema of experiment files, from the same zod schema that validates them. */
export function experimentJsonSchema(chartNames: readonly string[]): Record<string, unknown> {
  const schema = buildExperimentSchema(listProfiles(), chartNames, true);
  return {
    ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://wsfleet.dev/schema/experiment.schema.json',
    title: 'wsfleet experiment',
  };
}
