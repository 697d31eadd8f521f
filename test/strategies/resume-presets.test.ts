import { describe, expect, it } from 'vitest';
import { ChannelHistory, ChannelReceiver, Receivers, type HistoryView } from '../../src/strategies/resume/index.js';
import { createResume } from './resume-fixtures.js';

/** A history holding `n` messages published 1 ms apart from t = 0, with room for `max`. */
function filled(n: number, max = Infinity, ttlMs = Infinity): ChannelHistory {
  const h = new ChannelHistory({ maxMessages: max, ttlMs });
  for (let k = 0; k < n; k++) h.publish(k, 10);
  return h;
}

describe('socket-io-recovery', () => {
  const resume = createResume('socket-io-recovery');
  const history: HistoryView = filled(50);

  it('replays when away at most 120 s and history holds every missed message', () => {
    expect(resume.onReconnect(20, history, 200_000, 80_000)).toEqual({ kind: 'replay', fromSerial: 21, count: 30, lost: 0 });
    expect(resume.onReconnect(50, history, 200_000, 80_000)).toEqual({ kind: 'replay', fromSerial: 51, count: 0, lost: 0 });
  });

  it('starts fresh after more than 120 s away, even when history holds everything', () => {
    expect(resume.onReconnect(20, history, 200_001, 80_000)).toEqual({ kind: 'fresh', fromSerial: 51, count: 0, lost: 30 });
  });

  it('starts fresh when history lost any missed message (all or nothing)', () => {
    expect(resume.onReconnect(20, filled(50, 25), 100, 90)).toEqual({ kind: 'fresh', fromSerial: 51, count: 0, lost: 30 });
    expect(resume.onReconnect(25, filled(50, 25), 100, 90)).toEqual({ kind: 'replay', fromSerial: 26, count: 25, lost: 0 });
  });

  it('takes its window from the options', () => {
    const short = createResume('socket-io-recovery', { maxDisconnectionDurationMs: 1000 });
    expect(short.onReconnect(20, filled(50), 2000, 1000).kind).toBe('replay');
    expect(short.onReconnect(20, filled(50), 2001, 1000).kind).toBe('fresh');
  });
});

describe('centrifugo and history caps', () => {
  it('centrifugo replays a backlog of 300 and reports a gap at 301, replaying the newest 300', () => {
    const resume = createResume('centrifugo');
    const history = filled(1000);
    expect(resume.onReconnect(700, history, 1000, 0)).toEqual({ kind: 'replay', fromSerial: 701, count: 300, lost: 0 });
    expect(resume.onReconnect(699, history, 1000, 0)).toEqual({ kind: 'gap', fromSerial: 701, count: 300, lost: 1 });
    expect(resume.onReconnect(0, history, 1000, 0)).toEqual({ kind: 'gap', fromSerial: 701, count: 300, lost: 700 });
  });

  it('history has no cap by default, takes maxReplay, and never replays an evicted message', () => {
    const history = filled(1000, 400);
    expect(createResume('history').onReconnect(600, history, 1000, 0)).toEqual({ kind: 'replay', fromSerial: 601, count: 400, lost: 0 });
    expect(createResume('history').onReconnect(0, history, 1000, 0)).toEqual({ kind: 'gap', fromSerial: 601, count: 400, lost: 600 });
    const capped = createResume('history', { maxReplay: 10 });
    expect(capped.onReconnect(990, history, 1000, 0)).toEqual({ kind: 'replay', fromSerial: 991, count: 10, lost: 0 });
    expect(capped.onReconnect(500, history, 1000, 0)).toEqual({ kind: 'gap', fromSerial: 991, count: 10, lost: 490 });
    expect(createResume('history', { maxReplay: 0 }).onReconnect(999, history, 1000, 0)).toEqual({ kind: 'gap', fromSerial: 1001, count: 0, lost: 1 });
  });

  it('reports a gap that replays nothing when history holds nothing', () => {
    expect(createResume('history').onReconnect(3, filled(10, Infinity, 5), 100, 0)).toEqual({ kind: 'gap', fromSerial: 11, count: 0, lost: 7 });
  });

  it('none always starts fresh', () => {
    expect(createResume('none').onReconnect(990, filled(1000), 1000, 999)).toEqual({ kind: 'fresh', fromSerial: 1001, count: 0, lost: 10 });
  });
});

describe('ChannelReceiver', () => {
  it('delivers the next serial, drops duplicates, counts holes past an out-of-order serial as lost until they arrive late', () => {
    const r = new ChannelReceiver();
    r.resume({ kind: 'fresh', fromSerial: 11, count: 0, lost: 0 });
    expect(r.startSerial).toBe(10);
    expect([11, 12, 12, 11, 15, 13, 13, 16].map((s) => r.receive(s))).toEqual([
      'delivered',
      'delivered',
      'duplicate',
      'duplicate',
      'out-of-order',
      'late',
      'duplicate',
      'delivered',
    ]);
    expect(r.counts).toEqual({ delivered: 5, duplicates: 3, outOfOrder: 2, lost: 1 });
    expect(r.lastSerial).toBe(16);
  });

  it('takes a replay overtaken by live messages late, in any order, and forgets the holes on a new connection', () => {
    const r = new ChannelReceiver();
    r.resume({ kind: 'fresh', fromSerial: 1, count: 0, lost: 0 });
    r.receive(1);
    // Reconnect after 1: replay 2..5 (ordering none), but live 6 and 7 come first.
    r.resume({ kind: 'replay', fromSerial: 2, count: 4, lost: 0 });
    expect([6, 7, 2, 4, 3, 5, 5, 8].map((s) => r.receive(s))).toEqual(['out-of-order', 'delivered', 'late', 'late', 'late', 'late', 'duplicate', 'delivered']);
    expect(r.counts).toEqual({ delivered: 8, duplicates: 1, outOfOrder: 5, lost: 0 });
    // Live 10 overtakes a replay of 9, then the connection drops before the replay: 9 stays lost.
    r.resume({ kind: 'replay', fromSerial: 9, count: 1, lost: 0 });
    r.receive(10);
    r.resume({ kind: 'replay', fromSerial: 11, count: 0, lost: 0 });
    expect(r.receive(9)).toBe('duplicate');
    expect(r.counts).toEqual({ delivered: 9, duplicates: 2, outOfOrder: 6, lost: 1 });
  });

  it('takes a run of in-order serials at once, as receiving each would', () => {
    const one = new ChannelReceiver();
    const run = new ChannelReceiver();
    for (const r of [one, run]) r.resume({ kind: 'fresh', fromSerial: 4, count: 0, lost: 0 });
    for (let s = 4; s <= 40; s++) one.receive(s);
    expect(run.receiveThrough(40)).toBe(37);
    expect(run.receiveThrough(40)).toBe(0);
    expect(run.counts).toEqual(one.counts);
    expect(run.lastSerial).toBe(40);
    expect(() => new ChannelReceiver().receiveThrough(3)).toThrow(TypeError);
  });

  it('applies resume decisions: lost serials counted, replay expected next; a mismatched decision throws', () => {
    const r = new ChannelReceiver();
    r.resume({ kind: 'fresh', fromSerial: 1, count: 0, lost: 0 });
    r.receive(1);
    r.resume({ kind: 'gap', fromSerial: 5, count: 3, lost: 3 });
    expect(r.receive(5)).toBe('delivered');
    expect(() => { r.resume({ kind: 'replay', fromSerial: 9, count: 0, lost: 0 }); }).toThrow(TypeError);
    r.resume({ kind: 'fresh', fromSerial: 9, count: 0, lost: 3 });
    expect(r.counts).toEqual({ delivered: 2, duplicates: 0, outOfOrder: 0, lost: 6 });
    expect(() => { new ChannelReceiver().resume({ kind: 'fresh', fromSerial: 9, count: 0, lost: 3 }); }).toThrow(TypeError);
  });

  it('starts at the first serial received when never subscribed, and keeps channels apart', () => {
    const all = new Receivers();
    expect(all.channel('a').receive(7)).toBe('delivered');
    expect(all.channel('b').receive(7)).toBe('delivered');
    expect(all.channel('a').receive(7)).toBe('duplicate');
    expect(all.channel('a').startSerial).toBe(6);
    expect(all.totals).toEqual({ delivered: 2, duplicates: 1, outOfOrder: 0, lost: 0 });
  });
});
