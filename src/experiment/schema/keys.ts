import type { z } from 'zod';
import type { IssuePath } from '../issues.js';

/** The parts of a zod schema's definition that paths, keys and the playground's controls read. */
export interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  /** An enum's values. */
  entries?: Record<string, string>;
}

export const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Unwraps optional, default, nullable and pipes down to the schema that holds the value. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    const inner = def.innerType ?? def.in;
    if (inner === undefined) return s;
    s = inner;
  }
}

/** The schema that validates the value at `path`, for listing the keys allowed there. */
export function schemaAt(schema: z.ZodType, path: IssuePath): z.ZodType | undefined {
  let s: z.ZodType | undefined = unwrap(schema);
  for (const seg of path) {
    if (s === undefined) return undefined;
    const def = defOf(s);
    if (def.type === 'union') s = def.options?.find((o) => defOf(unwrap(o)).type === (typeof seg === 'number' ? 'array' : 'object'));
    if (s === undefined) return undefined;
    const d = defOf(unwrap(s));
    s = d.type === 'array' ? d.element : d.shape?.[String(seg)];
    if (s !== undefined) s = unwrap(s);
  }
  return s;
}

/** The keys an object schema at `path` accepts; empty when it is not an object. */
export function keysAt(schema: z.ZodType, path: IssuePath): string[] {
  const s = schemaAt(schema, path);
  if (s === undefined) return [];
  let def = defOf(s);
  if (def.type === 'union') {
    const object = def.options?.find((o) => defOf(unwrap(o)).type === 'object');
    if (object === undefined) return [];
    def = defOf(unwrap(object));
  }
  return Object.keys(def.shape ?? {});
}
