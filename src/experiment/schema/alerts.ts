import { z } from 'zod';
import { FLEET_COLUMNS, MESSAGE_COLUMNS, SERVER_COLUMNS } from '../../metrics/index.js';

const serverMetrics: readonly string[] = SERVER_COLUMNS;
/** Message columns exist only when the experiment has `messages:`; checked with the whole experiment. */
export const messageMetrics: readonly string[] = MESSAGE_COLUMNS;
const fleetMetrics: readonly string[] = [...FLEET_COLUMNS, ...MESSAGE_COLUMNS];

/** One alerting rule: a metric over or under a threshold for a duration, per server or fleet-wide. */
export const alertRule = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lowercase letters, digits and dashes'),
    metric: z.string().min(1).describe(`fleet scope: a fleet column (${[...FLEET_COLUMNS, ...MESSAGE_COLUMNS].join(', ')}; message columns need messages:); server scope or with aggregate: a server column (${SERVER_COLUMNS.join(', ')})`),
    scope: z.enum(['server', 'fleet']).default('fleet').describe('server: one alert per server; fleet: one for the fleet'),
    aggregate: z.enum(['sum', 'mean', 'max', 'min']).optional().describe('fleet scope over a server column, across the servers that are up'),
    above: z.number().optional().describe('breach when the value is above this'),
    below: z.number().optional().describe('breach when the value is below this'),
    forMs: z.number().min(0).default(0).describe('the breach must hold this long at every scrape before the alert fires (Prometheus `for:`)'),
  })
  .strict()
  .superRefine((r, ctx) => {
    if ((r.above === undefined) === (r.below === undefined)) ctx.addIssue({ code: 'custom', path: ['above'], message: 'expected exactly one of: above, below' });
    const perServer = r.scope === 'server' || r.aggregate !== undefined;
    if (r.scope === 'server' && r.aggregate !== undefined) ctx.addIssue({ code: 'custom', path: ['aggregate'], message: 'expected no aggregate with server scope' });
    const known = perServer ? serverMetrics : fleetMetrics;
    if (!known.includes(r.metric)) {
      ctx.addIssue({ code: 'custom', path: ['metric'], message: `expected a ${perServer ? 'server' : 'fleet'} column (${known.join(', ')}), got '${r.metric}'` });
    }
  });

/** The `alerts:` list; rule names are unique because they name summary metrics. */
export const alertRules = z
  .array(alertRule)
  .default([])
  .superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((r, k) => {
      if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: [k, 'name'], message: `expected a unique name, got '${r.name}' twice` });
      seen.add(r.name);
    });
  })
  .describe('alerting rules evaluated at every sample, as a monitoring stack scraping at sampleIntervalMs would');
