/** A terminal table: left-aligned first column; the others right-aligned for numbers, or left-aligned for text. */
export function textTable(rows: readonly (readonly string[])[], align: 'numbers' | 'text' = 'numbers'): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, k) => (widths[k] = Math.max(widths[k] ?? 0, cell.length)));
  return rows
    .map((row) => row.map((cell, k) => (k === 0 || align === 'text' ? cell.padEnd(widths[k] ?? 0) : cell.padStart(widths[k] ?? 0))).join('  ').trimEnd())
    .join('\n');
}

export { human } from '../report/index.js';
