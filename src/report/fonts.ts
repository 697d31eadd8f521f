import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** TTF files of DejaVu Sans in the `dejavu-fonts-ttf` package, by style. */
export const fontFileNames = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  oblique: 'DejaVuSans-Oblique.ttf',
  boldOblique: 'DejaVuSans-BoldOblique.ttf',
} as const;

let fontDir: string | undefined;

/** Absolute path of a bundled DejaVu TTF file. */
export function fontPath(fileName: string): string {
  fontDir ??= join(dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
  return join(fontDir, fileName);
}

/** Absolute paths of every DejaVu Sans style used by charts. */
export function fontFiles(): string[] {
  return Object.values(fontFileNames).map(fontPath);
}
