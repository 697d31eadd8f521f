import { LogHistogram } from '../src/metrics/index.js';
import { RngStreams } from '../src/engine/index.js';
import { runSimulation } from '../src/sim/index.js';
import { compare, timed, type RunResult, type Trial } from './measure.js';
import { makeRow, type BenchRow } from './report.js';
import { balancer, baseConfig, messages, servers } from '../test/sim/config.js';

/** A live-score broadcast: 20,000 subscribers on 2 servers, 10 messages/s for 40 virtual seconds. */
const SUBSCRIBERS = 20_000;
const RATE_PER_SEC = 10;
const DURATION_MS = 40_000;

/** The simulated broadcast with one fan-out mode; units of work are deliveries (messages consumed by a subscriber). */
function engineFanout(fanout: 'batched' | 'cohort'): RunResult {
  const summary = runSimulation(
    baseConfig({
      durationMs: DURATION_MS,
      servers: servers(2),
      balancer: balancer({ name: 'least-connections', options: {} }),
      network: { clientLatencyMs: { kind: 'constant', value: 20 }, backendLatencyMs: { kind: 'constant', value: 0.2 }, downlinkBytesPerSec: { kind: 'constant', value: 1_250_000 }, pathBufferBytes: 131_072 },
      clients: {
        arrivals: { kind: 'ramp', clients: SUBSCRIBERS, startMs: 0, overMs: 1000 },
        sessionMs: null,
        connectTimeoutMs: 10_000,
        flapsPerHour: 0,
        initialSpreadMs: 0,
        consumePerSec: { kind: 'constant', value: 1000 },
      },
      messages: messages({ backendPerSec: RATE_PER_SEC, bytes: { kind: 'constant', value: 120 }, fanout }),
    }),
  ).summary;
  return { events: summary['messages.delivered'] as number, check: 0 };
}

/**
 * What a delivery costs at the least: the same number of publishes, each looping over every
 * subscriber's typed-array pacing state to compute when it is consumed, and recording its latency.
 */
function baselineFanout(): RunResult {
  const rng = new RngStreams(1).stream('baseline');
  const txDone = new Float64Array(SUBSCRIBERS);
  const consumed = new Float64Array(SUBSCRIBERS);
  const latency = new LogHistogram();
  let deliveries = 0;
  for (let t = 0; t < DURATION_MS; t -= (1000 / RATE_PER_SEC) * Math.log(1 - rng.next())) {
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const write = t + 0.3 + i * 0.006;
      const sent = Math.max(write, txDone[i] as number) + 0.096;
      txDone[i] = sent;
      const done = Math.max(sent + 20.2, consumed[i] as number) + 1;
      consumed[i] = done;
      latency.record(done - t);
      deliveries++;
    }
  }
  return { events: deliveries, check: 0 };
}

/**
 * Deliveries per second of the simulated broadcast against the bare loop, alternating, three rounds:
 * one write per subscriber (`batched`, the exact reference) and the cohort fan-out, which records
 * subscribers that keep up together and so can beat a loop that touches every one of them.
 */
export function fanoutBench(): BenchRow[] {
  const run = (model: () => RunResult) => (): Trial => timed(model);
  const engines = [run(() => engineFanout('batched')), run(() => engineFanout('cohort'))];
  compare({ pairs: 1, budgetMs: Infinity }, run(baselineFanout), engines);
  const [exact, cohort] = compare({ pairs: 3, budgetMs: 60_000 }, run(baselineFanout), engines);
  const rows: BenchRow[] = [];
  if (exact !== undefined) rows.push(makeRow('fanout-20k', { ...exact, checksMatch: null }, null));
  if (cohort !== undefined) rows.push(makeRow('fanout-20k-cohort', { ...cohort, checksMatch: null }, null));
  return rows;
}
