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
    if (def.type === 'union') s = unionOption(s, typeof seg === 'number' ? 'array' : 'object');
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
  const object = defOf(s).type === 'union' ? unionOption(s, 'object') : s;
  return object === undefined ? [] : Object.keys(defOf(object).shape ?? {});
}

/** The first option of a union, looking into unions nested in it, whose schema is of `type`. */
function unionOption(union: z.ZodType, type: string): z.ZodType | undefined {
  for (const option of defOf(union).options ?? []) {
    const s = unwrap(option);
    const t = defOf(s).type;
    if (t === type) return s;
    if (t === 'union') {
      const found = unionOption(s, type);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
