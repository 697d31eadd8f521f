/** A number for people: integers with separators, others to 3 significant digits. */
export function human(v: number): string {
  if (Number.isNaN(v)) return '–';
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return Number(v.toPrecision(3)).toString();
}

/** A mean with its 95 % confidence half-width, or the value alone for one sample. */
export function humanCi(c: { mean: number; ci95: number; n: number } | undefined): string {
  if (c === undefined) return '-';
  return c.n > 1 ? `${human(c.mean)} ± ${human(c.ci95)}` : human(c.mean);
}
