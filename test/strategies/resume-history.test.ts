import { describe, expect, it } from 'vitest';
import { ChannelHistory } from '../../src/strategies/resume/index.js';

const serialsFrom = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, k) => from + k);

describe('ChannelHistory', () => {
  it('assigns serials 1, 2, 3… and replays everything after a serial while nothing is evicted', () => {
    const h = new ChannelHistory({ maxMessages: Infinity, ttlMs: Infinity });
    expect(h.latestSerial).toBe(0);
    expect(h.since(0, 0)).toEqual({ kind: 'replay', serials: [] });
    for (let k = 1; k <= 100; k++) expect(h.publish(k, 10)).toBe(k);
    expect(h.size).toBe(100);
    expect(h.retainedBytes).toBe(1000);
    expect(h.since(0, 100)).toEqual({ kind: 'replay', serials: serialsFrom(1, 100) });
    expect(h.since(97, 100)).toEqual({ kind: 'replay', serials: [98, 99, 100] });
    expect(h.since(100, 100)).toEqual({ kind: 'replay', serials: [] });
  });

  it('evicts by size: holds exactly the last maxMessages, a gap from one serial earlier', () => {
    const h = new ChannelHistory({ maxMessages: 5, ttlMs: Infinity });
    for (let k = 1; k <= 12; k++) h.publish(0, k);
    expect(h.size).toBe(5);
    expect(h.retainedBytes).toBe(8 + 9 + 10 + 11 + 12);
    expect(h.firstAvailable(0)).toBe(8);
    expect(h.since(7, 0)).toEqual({ kind: 'replay', serials: [8, 9, 10, 11, 12] });
    expect(h.since(6, 0)).toEqual({ kind: 'gap', firstAvailable: 8 });
    expect(h.since(0, 0)).toEqual({ kind: 'gap', firstAvailable: 8 });
    expect(h.since(12, 0)).toEqual({ kind: 'replay', serials: [] });
  });

  it('evicts by age: a message is held while nowMs − publishedAtMs < ttlMs, and gone at exactly ttlMs', () => {
    const h = new ChannelHistory({ maxMessages: Infinity, ttlMs: 1000 });
    h.publish(0, 1); // 1
    h.publish(500, 1); // 2
    h.publish(999, 1); // 3
    expect(h.since(0, 999)).toEqual({ kind: 'replay', serials: [1, 2, 3] });
    expect(h.since(0, 1000)).toEqual({ kind: 'gap', firstAvailable: 2 });
    expect(h.since(1, 1000)).toEqual({ kind: 'replay', serials: [2, 3] });
    expect(h.since(1, 1499)).toEqual({ kind: 'replay', serials: [2, 3] });
    expect(h.since(1, 1500)).toEqual({ kind: 'gap', firstAvailable: 3 });
    expect(h.publishedAtMs(3, 1998)).toBe(999);
    expect(h.since(2, 1999)).toEqual({ kind: 'gap', firstAvailable: null });
    expect(h.size).toBe(0);
    expect(h.retainedBytes).toBe(0);
    expect(h.since(3, 1999)).toEqual({ kind: 'replay', serials: [] });
    expect(h.publish(5000, 1)).toBe(4);
    expect(h.since(3, 5000)).toEqual({ kind: 'replay', serials: [4] });
  });

  it('clear drops every held message and serials go on: an older serial finds a gap, later publishes replay', () => {
    const h = new ChannelHistory({ maxMessages: 10, ttlMs: Infinity });
    for (let k = 1; k <= 12; k++) h.publish(k, 5);
    h.clear(20);
    expect(h.size).toBe(0);
    expect(h.retainedBytes).toBe(0);
    expect(h.since(12, 20)).toEqual({ kind: 'replay', serials: [] });
    expect(h.since(11, 20)).toEqual({ kind: 'gap', firstAvailable: null });
    expect(h.publish(21, 7)).toBe(13);
    expect(h.since(12, 21)).toEqual({ kind: 'replay', serials: [13] });
    expect(h.since(5, 21)).toEqual({ kind: 'gap', firstAvailable: 13 });
    expect(h.publishedAtMs(13, 21)).toBe(21);
    for (let k = 14; k <= 30; k++) h.publish(22, 1);
    expect(h.firstAvailable(22)).toBe(21);
  });

  it('holds nothing with maxMessages 0: any missed message is a gap', () => {
    const h = new ChannelHistory({ maxMessages: 0, ttlMs: Infinity });
    expect(h.publish(0, 1)).toBe(1);
    expect(h.publish(0, 1)).toBe(2);
    expect(h.since(1, 0)).toEqual({ kind: 'gap', firstAvailable: null });
    expect(h.since(2, 0)).toEqual({ kind: 'replay', serials: [] });
  });

  it('keeps publish times in order across ring wrap-around and growth', () => {
    const h = new ChannelHistory({ maxMessages: 37, ttlMs: 50 });
    const times: number[] = [NaN];
    for (let k = 1; k <= 1000; k++) {
      const t = k * 3 + Math.floor(k / 7) * 40;
      times.push(t);
      h.publish(t, k);
      const first = h.firstAvailable(t) ?? k + 1;
      let expectedFirst = k + 1;
      for (let s = k; s >= 1 && s > k - 37 && t - (times[s] as number) < 50; s--) expectedFirst = s;
      expect(first).toBe(expectedFirst);
      expect(h.retainedBytes).toBe(serialsFrom(first, k).reduce((a, b) => a + b, 0));
      expect(h.publishedAtMs(first, t)).toBe(times[first]);
    }
  });

  it('rejects bad options, serials out of range, and time going backwards', () => {
    expect(() => new ChannelHistory({ maxMessages: -1, ttlMs: 1 })).toThrow(TypeError);
    expect(() => new ChannelHistory({ maxMessages: 1.5, ttlMs: 1 })).toThrow(TypeError);
    expect(() => new ChannelHistory({ maxMessages: 1, ttlMs: 0 })).toThrow(TypeError);
    const h = new ChannelHistory({ maxMessages: 10, ttlMs: Infinity });
    h.publish(10, 1);
    expect(() => h.since(2, 10)).toThrow(TypeError);
    expect(() => h.since(-1, 10)).toThrow(TypeError);
    expect(() => h.since(0.5, 10)).toThrow(TypeError);
    expect(() => h.publish(9, 1)).toThrow(TypeError);
    expect(() => h.publish(11, -1)).toThrow(TypeError);
  });
});
