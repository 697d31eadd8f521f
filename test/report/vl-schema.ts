import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { compile } from 'vega-lite';
import { logger, Warn } from 'vega';
import type { VlSpec } from '../../src/report/types.js';

const schemaPath = createRequire(import.meta.url).resolve('vega-lite/vega-lite-schema.json');
const ajv = new Ajv({ allowUnionTypes: true, strictTypes: false, strict: false, allErrors: true });
ajv.addFormat('color-hex', /^#([0-9a-f]{3}|[0-9a-f]{6})$/i);
ajv.addFormat('uri', true);
ajv.addFormat('uri-reference', true);
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);

/** Schema errors of a spec against vega-lite's shipped JSON schema, as readable lines; empty when valid. */
export function vlSchemaErrors(spec: VlSpec): string[] {
  if (validate(spec)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** Warnings vega-lite logs while compiling a spec. */
export function vlCompileWarnings(spec: VlSpec): string[] {
  const warnings: string[] = [];
  compile(spec, { logger: logger(Warn, 'warn', (_method, _level, args) => warnings.push(args.join(' '))) });
  return warnings;
}
