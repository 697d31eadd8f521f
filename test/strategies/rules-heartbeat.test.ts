import { describe, expect, it } from 'vitest';
import {
  deadPeerDetectedAtMs,
  heartbeatGiveUpAtMs,
  HeartbeatPhase,
  heartbeats,
  instantiate,
  silenceLimitMs,
  TCP_KEEPALIVE_DETECT_MS,
  type Heartbeat,
} from '../../src/strategies/index.js';

const create = (name: string, options: Record<string, unknown> = {}): Heartbeat => instantiate(heartbeats, { name, options }, 'heartbeat');

describe('heartbeat give-up without pongs (sim deadPeerDetectedAt, real client silence limit)', () => {
  it('ping-pong: one interval to the ping, one timeout to the close', () => {
    const hb = create('ping-pong', { intervalMs: 25_000, timeoutMs: 20_000 });
    expect(silenceLimitMs(hb)).toBe(45_000);
    const opened = hb.open(1000);
    expect(heartbeatGiveUpAtMs(hb, opened.phase, opened.timerAtMs)).toBe(46_000);
  });

  it('ping-pong mid-wait for a pong: the close comes at the pending timer', () => {
    const hb = create('ping-pong', { intervalMs: 25_000, timeoutMs: 20_000 });
    expect(heartbeatGiveUpAtMs(hb, HeartbeatPhase.awaitingPong, 70_000)).toBe(70_000);
  });

  it('ws-interval: two intervals', () => {
    const hb = create('ws-interval', { intervalMs: 30_000 });
    expect(silenceLimitMs(hb)).toBe(60_000);
  });

  it('no heartbeat: never, so the server finds the dead peer by TCP keepalive (7200 s + 9 × 75 s)', () => {
    const hb = create('none');
    expect(silenceLimitMs(hb)).toBe(Infinity);
    const opened = hb.open(0);
    expect(heartbeatGiveUpAtMs(hb, opened.phase, opened.timerAtMs)).toBeNull();
    expect(deadPeerDetectedAtMs(hb, opened.phase, opened.timerAtMs, 5000)).toBe(5000 + TCP_KEEPALIVE_DETECT_MS);
    expect(TCP_KEEPALIVE_DETECT_MS).toBe(7_875_000);
  });

  it('every registered heartbeat that gives up does so at a finite time after open', () => {
    for (const name of Object.keys(heartbeats)) {
      const limit = silenceLimitMs(create(name));
      expect(limit === Infinity || (Number.isFinite(limit) && limit > 0)).toBe(true);
    }
  });

  it('a step that keeps its timer (NaN) fires again at the same time; more than 16 steps count as never', () => {
    let fired = 0;
    const stubborn: Heartbeat = {
      name: 'stubborn',
      intervalMs: 1000,
      open: (nowMs) => ({ phase: HeartbeatPhase.idle, action: 'none', timerAtMs: nowMs + 1000 }),
      onTimer: (phase, nowMs) => {
        fired++;
        return fired < 3 ? { phase, action: 'none', timerAtMs: Number.NaN } : { phase, action: 'terminate', timerAtMs: nowMs };
      },
      onPong: (phase) => ({ phase, action: 'none', timerAtMs: Number.NaN }),
    };
    expect(heartbeatGiveUpAtMs(stubborn, HeartbeatPhase.idle, 7000)).toBe(7000);
    const endless: Heartbeat = { ...stubborn, onTimer: (phase, nowMs) => ({ phase, action: 'ping', timerAtMs: nowMs + 1 }) };
    expect(heartbeatGiveUpAtMs(endless, HeartbeatPhase.idle, 0)).toBeNull();
  });
});
