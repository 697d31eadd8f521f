import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import { HeartbeatPhase, heartbeats, instantiate, type Heartbeat, type HeartbeatName, type HeartbeatStep } from '../../src/strategies/index.js';

type Options = Readonly<Record<string, unknown>>;

/** Inclusive bounds on how long after a peer's death the connection is terminated. */
interface Bounds {
  readonly minMs: number;
  readonly maxMs: number;
}

type Detection =
  /** Never pings and never terminates. */
  | { readonly kind: 'never' }
  /**
   * Terminates a dead peer. `sinceDeath` is measured from the moment the peer stops answering
   * (pings reaching it after that are lost); `sinceLastPong` from the last pong the server processed.
   */
  | {
      readonly kind: 'bounded';
      readonly sinceDeath: (o: Options, oneWayMs: number) => Bounds;
      readonly sinceLastPong: (o: Options, oneWayMs: number) => Bounds;
    };

interface HeartbeatExpectation {
  readonly detection: Detection;
  /** Option sets to check besides the defaults. */
  readonly variants: readonly Options[];
}

const num = (o: Options, key: string): number => o[key] as number;

/** Per-strategy promises. A new heartbeat gets `fallback` until someone documents it here. */
const expectations: Partial<Record<HeartbeatName, HeartbeatExpectation>> = {
  // interval + timeout after the last pong. From the peer's death add one one-way delay either side:
  // a pong already in flight restarts the interval, and a ping in flight when the peer dies is lost.
  'ping-pong': {
    detection: {
      kind: 'bounded',
      sinceDeath: (o, d) => ({ minMs: num(o, 'timeoutMs') - d, maxMs: num(o, 'intervalMs') + num(o, 'timeoutMs') + d }),
      sinceLastPong: (o) => ({ minMs: num(o, 'timeoutMs'), maxMs: num(o, 'intervalMs') + num(o, 'timeoutMs') }),
    },
    variants: [{ intervalMs: 1000, timeoutMs: 100 }, { intervalMs: 1000, timeoutMs: 3000 }],
  },
  // "Within one to two intervals" (ws README); pings go out on a fixed grid, so the
  // lower bound shifts by the one-way delay of the last ping that got through.
  'ws-interval': {
    detection: {
      kind: 'bounded',
      sinceDeath: (o, d) => ({ minMs: num(o, 'intervalMs') - d, maxMs: 2 * num(o, 'intervalMs') }),
      sinceLastPong: (o) => ({ minMs: num(o, 'intervalMs'), maxMs: 2 * num(o, 'intervalMs') }),
    },
    variants: [{ intervalMs: 500 }],
  },
  none: { detection: { kind: 'never' }, variants: [] },
};
/** Undocumented strategies must at least find a dead peer within ten intervals. */
const fallback: HeartbeatExpectation = {
  detection: {
    kind: 'bounded',
    sinceDeath: (o) => ({ minMs: 0, maxMs: 10 * num(o, 'intervalMs') }),
    sinceLastPong: (o) => ({ minMs: 0, maxMs: 10 * num(o, 'intervalMs') }),
  },
  variants: [],
};

interface Peer {
  /** Ping and pong each take this long on the wire. */
  readonly oneWayMs: number;
  /** Pings reaching the peer at or after this time get no pong. */
  readonly deadAtMs: number;
}

interface Trace {
  readonly pingsAtMs: number[];
  terminatedAtMs: number | null;
  lastPongAtMs: number | null;
  /** Unsolicited pongs actually delivered (phase was not awaitingPong). */
  strayPongs: number;
}

/**
 * A virtual-time driver: one heartbeat timer, pongs in flight, and optional stray pongs,
 * processed in time order (pongs before the timer on a tie) until `untilMs` or termination.
 */
function drive(hb: Heartbeat, peer: Peer, untilMs: number, strayPongsAtMs: readonly number[] = []): Trace {
  const trace: Trace = { pingsAtMs: [], terminatedAtMs: null, lastPongAtMs: null, strayPongs: 0 };
  const pongs: number[] = [];
  const strays = [...strayPongsAtMs].sort((a, b) => a - b);
  let phase = HeartbeatPhase.off as HeartbeatPhase;
  let timerAtMs = Infinity;
  const apply = (step: HeartbeatStep, nowMs: number): void => {
    phase = step.phase;
    if (step.action === 'terminate') {
      trace.terminatedAtMs = nowMs;
      return;
    }
    if (!Number.isNaN(step.timerAtMs)) {
      if (step.timerAtMs < nowMs) throw new Error(`${hb.name} set its timer in the past: ${step.timerAtMs} < ${nowMs}`);
      timerAtMs = step.timerAtMs;
    }
    if (step.action === 'ping') {
      trace.pingsAtMs.push(nowMs);
      if (nowMs + peer.oneWayMs < peer.deadAtMs) pongs.push(nowMs + 2 * peer.oneWayMs);
    }
  };
  apply(hb.open(0), 0);
  while (trace.terminatedAtMs === null) {
    const pongAtMs = pongs[0] ?? Infinity;
    const strayAtMs = strays[0] ?? Infinity;
    const nowMs = Math.min(pongAtMs, strayAtMs, timerAtMs);
    if (nowMs > untilMs) break;
    if (pongAtMs === nowMs) {
      pongs.shift();
      trace.lastPongAtMs = nowMs;
      apply(hb.onPong(phase, nowMs), nowMs);
    } else if (strayAtMs === nowMs) {
      strays.shift();
      if (phase === HeartbeatPhase.awaitingPong) continue;
      trace.strayPongs++;
      apply(hb.onPong(phase, nowMs), nowMs);
    } else {
      timerAtMs = Infinity;
      apply(hb.onTimer(phase, nowMs), nowMs);
    }
  }
  return trace;
}

const names = Object.keys(heartbeats) as HeartbeatName[];

function create(name: string, options: Options): { hb: Heartbeat; o: Options } {
  const entry = heartbeats[name as HeartbeatName];
  return { hb: instantiate(heartbeats, { name, options }, 'heartbeat'), o: entry.options.parse(options) as Options };
}

/** A small round trip: 0.2 % of the interval, so 100 intervals drift by at most a fifth of one. */
function oneWayFor(hb: Heartbeat): number {
  return hb.intervalMs * 0.001 + 0.37;
}

describe.each(names)('heartbeat %s', (name) => {
  const expected = expectations[name] ?? fallback;
  const optionSets: readonly Options[] = [{}, ...expected.variants];

  it.each(optionSets)('keeps a live peer and pings once per interval (options %o)', (options) => {
    const { hb } = create(name, options);
    const durationMs = 100 * Math.max(hb.intervalMs, 1000);
    const trace = drive(hb, { oneWayMs: oneWayFor(hb), deadAtMs: Infinity }, durationMs);
    expect(trace.terminatedAtMs).toBeNull();
    if (expected.detection.kind === 'never') {
      expect(hb.intervalMs).toBe(0);
      expect(trace.pingsAtMs).toEqual([]);
      return;
    }
    expect(Math.abs(trace.pingsAtMs.length - durationMs / hb.intervalMs), `${trace.pingsAtMs.length} pings`).toBeLessThanOrEqual(1);
    trace.pingsAtMs.slice(1).forEach((atMs, i) => { expect(atMs - (trace.pingsAtMs[i] as number)).toBeGreaterThanOrEqual(hb.intervalMs); });
  });

  it.each(optionSets)('terminates a peer that stops answering within its bound (options %o)', (options) => {
    const { hb, o } = create(name, options);
    const rng = new RngStreams(1).stream('deaths');
    const intervalMs = Math.max(hb.intervalMs, 1000);
    const oneWayMs = oneWayFor(hb);
    const live = drive(hb, { oneWayMs, deadAtMs: Infinity }, 10 * intervalMs).pingsAtMs.filter((atMs) => atMs > 5 * intervalMs);
    // Random deaths, plus the worst cases: just before and just after the peer answers a ping.
    const deaths = [
      ...Array.from({ length: 300 }, () => intervalMs * (5 + 5 * rng.next())),
      ...live.flatMap((atMs) => [atMs + oneWayMs * 0.99, atMs + oneWayMs * 1.01]),
    ];
    for (const [trial, deadAtMs] of deaths.entries()) {
      const trace = drive(hb, { oneWayMs, deadAtMs }, deadAtMs + 100 * intervalMs);
      const at = `trial ${trial}, dead at ${deadAtMs}`;
      if (expected.detection.kind === 'never') {
        expect(trace.terminatedAtMs, at).toBeNull();
        expect(trace.pingsAtMs, at).toEqual([]);
        continue;
      }
      expect(trace.terminatedAtMs, at).not.toBeNull();
      const terminatedAtMs = trace.terminatedAtMs as number;
      const sinceDeath = expected.detection.sinceDeath(o, oneWayMs);
      expect(terminatedAtMs - deadAtMs, at).toBeGreaterThanOrEqual(sinceDeath.minMs);
      expect(terminatedAtMs - deadAtMs, at).toBeLessThanOrEqual(sinceDeath.maxMs);
      const sinceLastPong = expected.detection.sinceLastPong(o, oneWayMs);
      expect(terminatedAtMs - (trace.lastPongAtMs ?? 0), at).toBeGreaterThanOrEqual(sinceLastPong.minMs);
      expect(terminatedAtMs - (trace.lastPongAtMs ?? 0), at).toBeLessThanOrEqual(sinceLastPong.maxMs);
    }
  });

  it.each(optionSets)('ignores a pong that arrives when none is awaited (options %o)', (options) => {
    const { hb } = create(name, options);
    const rng = new RngStreams(2).stream('strays');
    const intervalMs = Math.max(hb.intervalMs, 1000);
    const peer = { oneWayMs: oneWayFor(hb), deadAtMs: 30.5 * intervalMs };
    const strays = Array.from({ length: 200 }, () => rng.next() * 40 * intervalMs);
    const baseline = drive(hb, peer, 40 * intervalMs);
    const withStrays = drive(hb, peer, 40 * intervalMs, strays);
    expect(withStrays.strayPongs).toBeGreaterThan(0);
    expect(withStrays.pingsAtMs).toEqual(baseline.pingsAtMs);
    expect(withStrays.terminatedAtMs).toEqual(baseline.terminatedAtMs);
  });

  it.each(optionSets)('answers a stray pong with no action, the same phase and the timer kept (options %o)', (options) => {
    const { hb } = create(name, options);
    const opened = hb.open(0);
    const phases = [opened.phase, ...(opened.phase === HeartbeatPhase.off ? [] : [HeartbeatPhase.idle])];
    for (const phase of phases) {
      const step = hb.onPong(phase, 123);
      expect(step.phase).toBe(phase);
      expect(step.action).toBe('none');
      // Keeping the timer (NaN) changes nothing; clearing it is also a no-op when none is set.
      if (phase !== HeartbeatPhase.off) expect(step.timerAtMs).toBeNaN();
      else expect(Number.isNaN(step.timerAtMs) || step.timerAtMs === Infinity).toBe(true);
    }
  });
});
