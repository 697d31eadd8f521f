/**
 * Text measurement for vega in Node: without the optional `canvas` package vega guesses
 * 0.8 × font size per character; we measure with DejaVu Sans advances instead, the font resvg draws with.
 */
import { readFileSync } from 'node:fs';
import * as vega from 'vega';
import { readFontAdvances, type FontAdvances } from './font-advances.js';
import { fontFileNames, fontPath } from './fonts.js';

/** The fields of a vega text item that measurement reads. */
interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

/** The part of vega-scenegraph's `textMetrics` that vega-typings does not declare. */
interface TextMetrics {
  width: (item: TextItem, text: unknown) => number;
}

let fonts: { regular: FontAdvances; bold: FontAdvances } | undefined;

/** Width in pixels of a text line in DejaVu Sans, ignoring kerning. */
export function textWidth(text: string, fontSize: number, bold: boolean): number {
  fonts ??= {
    regular: readFontAdvances(readFileSync(fontPath(fontFileNames.regular))),
    bold: readFontAdvances(readFileSync(fontPath(fontFileNames.bold))),
  };
  const font = bold ? fonts.bold : fonts.regular;
  let em = 0;
  for (const char of text) em += font.advance(char.codePointAt(0) ?? 0);
  return em * fontSize;
}

/** Width of a vega text item; text longer than its `limit` is counted as `limit` since vega truncates it. */
export function itemWidth(item: TextItem, text: unknown): number {
  const line = text == null ? '' : String(text as string | number).trim();
  const width = textWidth(line, item.fontSize ?? 11, isBold(item.fontWeight));
  const limit = item.limit ?? 0;
  return limit > 0 ? Math.min(width, limit) : width;
}

/** Makes vega measure text with DejaVu Sans metrics, whether or not `canvas` is installed. */
export function pinTextMetrics(): void {
  (vega as unknown as { textMetrics: TextMetrics }).textMetrics.width = itemWidth;
}

function isBold(weight: string | number | undefined): boolean {
  if (typeof weight === 'number') return weight >= 600;
  return weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
}
