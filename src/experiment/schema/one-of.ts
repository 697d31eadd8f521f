import { z } from 'zod';

/**
 * An object with exactly one key from `options`, as in `{ exponential: { meanMs: 250 } }`.
 * It stays a plain object (no transform) so the JSON Schema for editors is exact.
 */
export function oneOf<T extends Record<string, z.ZodType>>(options: T, description: string) {
  const names = Object.keys(options);
  const partial = Object.fromEntries(names.map((n) => [n, (options[n] as z.ZodType).optional()])) as {
    [K in keyof T]: z.ZodOptional<T[K]>;
  };
  return z
    .object(partial)
    .strict()
    .refine((v) => Object.keys(v).length === 1, { error: `expected exactly one of: ${names.join(', ')}` })
    .meta({ minProperties: 1, maxProperties: 1, description });
}

/**
 * A `oneOf` object's output as a union tagged by `kind`: `{ exponential?: { meanMs } } | …` becomes
 * `{ kind: 'exponential'; meanMs } | …`, so a switch on `kind` narrows to that key's fields.
 */
export type Tagged<T> = { [K in keyof T & string]-?: { kind: K } & NonNullable<T[K]> }[keyof T & string];

/** The single entry of an object validated by `oneOf`, as {@link Tagged}. */
export function tagged<T extends object>(value: T): Tagged<T> {
  const [kind, fields] = onlyEntry(value);
  // Sound by construction: `value` has exactly the one key `kind`, whose fields are T[kind].
  return { kind, ...fields } as Tagged<T>;
}

/** The single key and value of an object validated by `oneOf`. */
export function onlyEntry<T extends object>(value: T): [keyof T & string, NonNullable<T[keyof T]>] {
  const [entry] = Object.entries(value) as [keyof T & string, NonNullable<T[keyof T]>][];
  if (entry === undefined) throw new TypeError('Expected an object with one key, got an empty object');
  return entry;
}
