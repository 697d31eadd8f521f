import { RngStreams, randomInt } from '../../src/engine/rng.js';
import {
  ChannelHistory,
  ChannelReceiver,
  resumes,
  type HistoryOptions,
  type Resume,
  type ResumeDecision,
  type ResumeName,
} from '../../src/strategies/resume/index.js';

export type Options = Record<string, unknown>;

export function createResume(name: ResumeName, options: Options = {}): Resume {
  const found = resumes[name];
  return found.create(found.options.parse(options) as never) as Resume;
}

/** A publisher on one channel and one subscriber that goes away during `outages` and reconnects at their end. */
export interface Script {
  readonly seed: number;
  readonly durationMs: number;
  /** Gaps between publishes are uniform integers in [1, 2 × meanGapMs]. */
  readonly meanGapMs: number;
  /** [disconnect, reconnect] times, ordered and disjoint, within the duration. */
  readonly outages: readonly (readonly [number, number])[];
  /** One-way delivery latency; messages still on the wire at a disconnect are dropped. */
  readonly latencyMs: number;
  /** Share of deliveries the network sends twice (at-least-once transport). */
  readonly duplicateShare: number;
  readonly history: HistoryOptions;
  /** How long the server's history fetch takes; with `ordering: none` live messages sent meanwhile overtake the replay. @default 0 */
  readonly fetchMs?: number;
}

/** One subscribe or reconnect, with what the reference model says about it. */
export interface Reconnect {
  readonly lastSerial: number | null;
  readonly latest: number;
  readonly nowMs: number;
  readonly awayMs: number;
  /** Missed serials no longer held (by definition, not by asking the history). */
  readonly evicted: number;
  /** Missed serials still held. */
  readonly held: number;
  readonly decision: ResumeDecision;
}

export interface Outcome {
  readonly published: number;
  /** Serials published before the first subscription. */
  readonly start: number;
  /** Serials handed to the application, in order of delivery. */
  readonly appSerials: number[];
  readonly counts: ChannelReceiver['counts'];
  /** Published after the receiver's last serial: still on the wire (or not yet sent). */
  readonly inFlight: number;
  /** Serials missed during outages, all of them (what a fresh start loses). */
  readonly missed: Set<number>;
  /** Missed serials the history no longer held at the reconnect, by the definition of size and age eviction. */
  readonly evicted: Set<number>;
  readonly decisions: readonly Reconnect[];
}

/** Whether `serial` is held at `nowMs`, by definition: among the last maxMessages and younger than ttlMs. */
function held(serial: number, latest: number, publishedAt: readonly number[], nowMs: number, history: HistoryOptions): boolean {
  return serial > latest - history.maxMessages && nowMs - (publishedAt[serial] as number) < history.ttlMs;
}

export function run(resume: Resume, script: Script): Outcome {
  const rng = new RngStreams(script.seed).stream('resume');
  type Kind = 'publish' | 'disconnect' | 'reconnect';
  const events: { atMs: number; kind: Kind }[] = [];
  for (let t = 1 + randomInt(rng, 2 * script.meanGapMs); t < script.durationMs; t += 1 + randomInt(rng, 2 * script.meanGapMs)) {
    events.push({ atMs: t, kind: 'publish' });
  }
  for (const [down, up] of script.outages) events.push({ atMs: down, kind: 'disconnect' }, { atMs: up, kind: 'reconnect' });
  events.sort((a, b) => a.atMs - b.atMs);

  const history = new ChannelHistory(script.history);
  const receiver = new ChannelReceiver();
  const publishedAt: number[] = [NaN];
  const wire: { atMs: number; serial: number; conn: number }[] = [];
  const appSerials: number[] = [];
  const missed = new Set<number>();
  const evicted = new Set<number>();
  const decisions: Reconnect[] = [];
  let conn = 0;
  let connected = true;
  let disconnectedAtMs = 0;

  const subscribe = (nowMs: number): void => {
    const lastSerial = receiver.lastSerial;
    const latest = history.latestSerial;
    let gone = 0;
    let kept = 0;
    if (lastSerial !== null) {
      for (let s = lastSerial + 1; s <= latest; s++) {
        missed.add(s);
        if (held(s, latest, publishedAt, nowMs, script.history)) kept++;
        else {
          evicted.add(s);
          gone++;
        }
      }
    }
    const decision = resume.onReconnect(lastSerial, history, nowMs, disconnectedAtMs);
    decisions.push({ lastSerial, latest, nowMs, awayMs: nowMs - disconnectedAtMs, evicted: gone, held: kept, decision });
    receiver.resume(decision);
    if (resume.ordering === 'buffer') {
      // The server holds live messages until the replay is written: the replay goes first.
      for (let s = decision.fromSerial; s < decision.fromSerial + decision.count; s++) wire.push({ atMs: nowMs + script.latencyMs, serial: s, conn });
      return;
    }
    // Written when the fetch answers, behind the live messages sent meanwhile.
    const atMs = nowMs + (script.fetchMs ?? 0) + script.latencyMs;
    for (let s = decision.fromSerial; s < decision.fromSerial + decision.count; s++) send({ atMs, serial: s, conn });
  };
  // Buffered: the wire is the order of writes. Not buffered: live messages written during a fetch pass the replay.
  const send = (item: (typeof wire)[number]): void => {
    if (resume.ordering === 'buffer') {
      wire.push(item);
      return;
    }
    let at = wire.length;
    while (at > 0 && (wire[at - 1]?.atMs ?? 0) > item.atMs) at--;
    wire.splice(at, 0, item);
  };
  const deliverUntil = (nowMs: number): void => {
    while (wire.length > 0 && (wire[0]?.atMs ?? Infinity) <= nowMs) {
      const item = wire.shift();
      if (item === undefined || item.conn !== conn || !connected) continue;
      if (rng.next() < script.duplicateShare) send({ ...item, atMs: item.atMs + script.latencyMs });
      if (receiver.receive(item.serial) !== 'duplicate') appSerials.push(item.serial);
    }
  };

  // The first subscription, a little after the publisher started.
  let i = 0;
  for (; i < events.length && (events[i]?.atMs ?? Infinity) < script.latencyMs; i++) {
    publishedAt.push(events[i]?.atMs ?? NaN);
    history.publish(events[i]?.atMs ?? NaN, 100);
  }
  subscribe(script.latencyMs);
  for (; i < events.length; i++) {
    const event = events[i] as (typeof events)[number];
    deliverUntil(event.atMs);
    if (event.kind === 'publish') {
      const serial = history.publish(event.atMs, 100);
      publishedAt.push(event.atMs);
      if (connected) send({ atMs: event.atMs + script.latencyMs, serial, conn });
    } else if (event.kind === 'disconnect') {
      connected = false;
      conn++;
      disconnectedAtMs = event.atMs;
    } else {
      connected = true;
      subscribe(event.atMs);
    }
  }
  deliverUntil(script.durationMs);
  const published = history.latestSerial;
  return {
    published,
    start: receiver.startSerial,
    appSerials,
    counts: receiver.counts,
    inFlight: published - (receiver.lastSerial ?? 0),
    missed,
    evicted,
    decisions,
  };
}

/** The history holds more than any outage: 60 s by age, no size cap; 20 s outages, about 10 messages a second. */
export const covered: Script = {
  seed: 1,
  durationMs: 300_000,
  meanGapMs: 100,
  outages: [
    [30_000, 50_000],
    [100_000, 115_000],
    [200_000, 220_000],
    [260_000, 260_500],
  ],
  latencyMs: 40,
  duplicateShare: 0.05,
  history: { maxMessages: Infinity, ttlMs: 60_000 },
};

/** The same outages against a 5 s history, and against a 50-message one. */
export const shortByAge: Script = { ...covered, seed: 2, history: { maxMessages: Infinity, ttlMs: 5_000 } };
export const shortBySize: Script = { ...covered, seed: 3, history: { maxMessages: 50, ttlMs: Infinity } };

/** A random script: a few outages of up to 200 s, a history of random size and age. */
export function randomScript(seed: number): Script {
  const rng = new RngStreams(seed).stream('script');
  const outages: [number, number][] = [];
  let t = 1000 + randomInt(rng, 20_000);
  for (let k = 0; k < 4; k++) {
    const down = t;
    const up = down + 1 + randomInt(rng, 200_000);
    outages.push([down, up]);
    t = up + 1 + randomInt(rng, 30_000);
  }
  const sizes = [Infinity, Infinity, 0, 1, 20, 300, 2000, 5000];
  const ttls = [Infinity, 1, 3_000, 60_000, 120_000, 400_000];
  return {
    seed,
    durationMs: t + 10_000,
    meanGapMs: 1 + randomInt(rng, 400),
    outages,
    latencyMs: randomInt(rng, 200),
    duplicateShare: rng.next() * 0.2,
    history: { maxMessages: sizes[randomInt(rng, sizes.length)] ?? Infinity, ttlMs: ttls[randomInt(rng, ttls.length)] ?? Infinity },
  };
}
