import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGrid, formatIssues, loadExperiment, toSimConfig } from '../../src/experiment/index.js';
import { chartNames } from '../../src/report/fleet-charts.js';

const dir = join(import.meta.dirname, '..', '..', 'experiments');
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('the experiment library', () => {
  it('has experiments', () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  it.each(files)('%s validates, and so does every variant of its sweep', (file) => {
    const path = join(dir, file);
    const base = loadExperiment(path, { chartNames: chartNames() });
    if (!base.ok) throw new Error(formatIssues(base.issues));
    expect(base.experiment.question.length).toBeGreaterThan(20);
    expect(base.experiment.lookAt?.length ?? 0).toBeGreaterThan(20);
    expect(base.experiment.name).toBe(file.replace(/\.yaml$/, ''));
    const variants = expandGrid(base.experiment.sweep?.grid ?? {});
    for (const v of variants) {
      const loaded = loadExperiment(path, { overrides: v.overrides, chartNames: chartNames() });
      if (!loaded.ok) throw new Error(`${v.label}:\n${formatIssues(loaded.issues)}`);
      expect(() => toSimConfig(loaded.experiment)).not.toThrow();
    }
  });
});
