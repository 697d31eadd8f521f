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

/**
 * A value as {@link human} rounds it, then converted by `factor` (e.g. 1/1000 for ms → s) keeping
 * the same digits, so a chart in seconds prints 1.143 where the table in milliseconds prints 1,143.
 */
export function humanScaled(v: number, factor: number): string {
  if (factor === 1 || !Number.isFinite(v)) return human(v);
  const rounded = Number.isInteger(v) ? v : Math.abs(v) >= 100 ? Math.round(v) : Number(v.toPrecision(3));
  const decimals = (String(rounded).split('.')[1]?.length ?? 0) + Math.max(0, Math.round(-Math.log10(factor)));
  return (rounded * factor).toLocaleString('en-US', { maximumFractionDigits: Math.min(20, decimals) });
}

/**
 * A value as {@link humanScaled} writes it, with more significant digits (up to 9) while that
 * rounding moves it by more than half its distance to `bound`: 0.9993 against 0.999 reads 0.9993,
 * not 0.999, and 0.9995 reads 0.9995, not 1.
 */
export function humanBeside(v: number, bound: number, factor = 1): string {
  const room = Math.abs(v - bound) / 2;
  let text = humanScaled(v, factor);
  if (room === 0 || !Number.isFinite(v) || !Number.isFinite(bound)) return text;
  for (let digits = 4; digits <= 9 && Math.abs(Number(text.replaceAll(',', '')) / factor - v) > room; digits++) {
    text = (v * factor).toLocaleString('en-US', { maximumSignificantDigits: digits });
  }
  return text;
}
