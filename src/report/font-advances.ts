/** Horizontal advances of a TrueType font, read from its `head`, `hhea`, `hmtx` and `cmap` tables. */
export interface FontAdvances {
  /** Advance of a code point in em units (1 = font size); missing glyphs use `.notdef`. */
  advance(codePoint: number): number;
}

/** Parses the advance widths of a TTF file; supports the BMP through a format 4 cmap subtable. */
export function readFontAdvances(font: Uint8Array): FontAdvances {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const tables = tableOffsets(view);
  const unitsPerEm = view.getUint16(table(tables, 'head') + 18);
  const metricCount = view.getUint16(table(tables, 'hhea') + 34);
  const hmtx = table(tables, 'hmtx');
  const glyphOf = cmapFormat4(view, table(tables, 'cmap'));
  const advanceOfGlyph = (glyph: number) => view.getUint16(hmtx + 4 * Math.min(glyph, metricCount - 1));
  const cache = new Map<number, number>();
  return {
    advance(codePoint) {
      let em = cache.get(codePoint);
      if (em === undefined) {
        em = advanceOfGlyph(glyphOf(codePoint)) / unitsPerEm;
        cache.set(codePoint, em);
      }
      return em;
    },
  };
}

function tableOffsets(view: DataView): Map<string, number> {
  const offsets = new Map<string, number>();
  const count = view.getUint16(4);
  for (let i = 0; i < count; i++) {
    const record = 12 + 16 * i;
    const tag = String.fromCharCode(...[0, 1, 2, 3].map((k) => view.getUint8(record + k)));
    offsets.set(tag, view.getUint32(record + 8));
  }
  return offsets;
}

function table(tables: Map<string, number>, tag: string): number {
  const offset = tables.get(tag);
  if (offset === undefined) throw new Error(`font has no '${tag}' table`);
  return offset;
}

/** Returns the glyph lookup of the Unicode BMP subtable (platform 3 encoding 1, or platform 0). */
function cmapFormat4(view: DataView, cmap: number): (codePoint: number) => number {
  const count = view.getUint16(cmap + 2);
  for (let i = 0; i < count; i++) {
    const record = cmap + 4 + 8 * i;
    const platform = view.getUint16(record);
    const encoding = view.getUint16(record + 2);
    const subtable = cmap + view.getUint32(record + 4);
    const unicode = platform === 0 || (platform === 3 && encoding === 1);
    if (unicode && view.getUint16(subtable) === 4) return format4Lookup(view, subtable);
  }
  throw new Error('font has no Unicode BMP cmap subtable');
}

function format4Lookup(view: DataView, subtable: number): (codePoint: number) => number {
  const segments = view.getUint16(subtable + 6) / 2;
  const ends = subtable + 14;
  const starts = ends + 2 * segments + 2;
  const deltas = starts + 2 * segments;
  const rangeOffsets = deltas + 2 * segments;
  return (codePoint) => {
    for (let s = 0; s < segments; s++) {
      if (view.getUint16(ends + 2 * s) < codePoint) continue;
      const start = view.getUint16(starts + 2 * s);
      if (start > codePoint) return 0;
      const delta = view.getUint16(deltas + 2 * s);
      const rangeOffset = view.getUint16(rangeOffsets + 2 * s);
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
      const glyph = view.getUint16(rangeOffsets + 2 * s + rangeOffset + 2 * (codePoint - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}
