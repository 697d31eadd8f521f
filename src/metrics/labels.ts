/**
 * A sweep grid value in a few words, as variant labels in summary.csv, folder names and charts give it:
 * numbers, names and flags as they are, a list of named things (server groups) by its names, a
 * one-key map (a strategy or distribution choice) as `name(options)`, any other map compactly.
 */
export function describeGridValue(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof (v as { name?: unknown } | null)?.name === 'string')) {
    return value.map((v) => (v as { name: string }).name).join('+');
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const compact = (v: unknown): string => JSON.stringify(v).replace(/[{}"]/g, '');
    if (keys.length === 1) return `${keys[0] ?? ''}(${compact((value as Record<string, unknown>)[keys[0] ?? ''])})`;
    return compact(value);
  }
  return JSON.stringify(value);
}
