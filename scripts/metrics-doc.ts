/** Writes docs/metrics.md from the metric catalogue. */
import { writeFileSync } from 'node:fs';
import { metricsMarkdown } from '../src/metrics/metrics-doc.js';

writeFileSync(new URL('../docs/metrics.md', import.meta.url), metricsMarkdown());
process.stdout.write('Wrote docs/metrics.md\n');
