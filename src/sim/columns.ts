type Column = Float64Array | Int32Array | Uint32Array | Uint8Array;

/** Grows a set of typed-array columns together, keeping their contents; `fill` seeds new Int32 cells. */
export function growColumns<T extends Record<string, Column>>(columns: T, capacity: number, fill: Partial<Record<keyof T, number>> = {}): T {
  const out = {} as Record<string, Column>;
  for (const [name, old] of Object.entries(columns)) {
    const Ctor = old.constructor as new (n: number) => Column;
    const next = new Ctor(capacity);
    const seed = fill[name as keyof T];
    if (seed !== undefined) next.fill(seed);
    next.set(old);
    out[name] = next;
  }
  return out as T;
}
