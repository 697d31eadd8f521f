import { z } from 'zod';
import { isSummaryKey } from '../../metrics/index.js';
import { REAL_STACKS } from '../../real/config.js';

/** A summary metric of a run, by its catalogue name (`wsfleet list metrics`). */
const summaryMetric = z
  .string()
  .min(1)
  .refine(isSummaryKey, { error: (issue) => `expected a summary metric (wsfleet list metrics), got '${String(issue.input)}'` });

const metricList = z.array(summaryMetric).min(1);

/**
 * `validate:`: what `wsfleet validate` compares between the sim and real sockets, so `wsfleet validate --all`
 * needs no flags. The sim ignores it; real mode reads only `stack` (which software it drives for this file).
 */
export const validateSection = z
  .object({
    metrics: metricList.describe('summary metrics compared in both worlds (wsfleet validate; --metric replaces them)'),
    stack: z
      .enum(REAL_STACKS)
      .default('ws')
      .describe('the software real mode drives for this file (wsfleet validate and wsfleet real; --stack replaces it): ws, the bundled fleet, or socket-io, Socket.IO 4.8 servers and socket.io-client sockets'),
    variants: z
      .array(
        z
          .object({
            name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected lowercase letters, digits and dashes'),
            set: z.array(z.string().min(1)).min(1).describe('--set flags that make this variant, e.g. messages.resume=history'),
            metrics: metricList.optional().describe("summary metrics compared for this variant; default: the file's"),
          })
          .strict(),
      )
      .default([])
      .describe('further validations of the same file with values changed (wsfleet validate --all runs each)'),
  })
  .strict();
