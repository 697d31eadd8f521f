import { afterEach, describe, expect, it, vi } from 'vitest';
import { clock, Progress } from '../../src/cli/progress.js';

/** A stand-in for process.stderr that records what is written. */
function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = { isTTY, write: (s: string) => chunks.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, text: () => chunks.join('') };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('progress', () => {
  it('prints one plain line per finished run when stderr is not a terminal', () => {
    const { stream, text } = fakeStream(false);
    const p = new Progress(3, 60_000, { stream });
    p.update(0, 30_000);
    p.done(0, 'base #1');
    p.done(1, 'base #2');
    p.finish();
    expect(text()).toMatch(/^run 1\/3 done: base #1; elapsed \d+:\d\d, ETA \d+:\d\d\nrun 2\/3 done: base #2; /);
    expect(text()).not.toContain('\x1b');
  });

  it('draws a bar with runs, virtual time and ETA on a terminal, in colour unless NO_COLOR is set', () => {
    vi.stubEnv('NO_COLOR', '');
    const coloured = fakeStream(true);
    const p = new Progress(2, 60_000, { stream: coloured.stream });
    p.done(0, 'a');
    expect(coloured.text()).toMatch(/1\/2 runs · 1:00 of 2:00 virtual · \S+ events\/s · ETA /);
    expect(coloured.text()).toContain('\x1b[36m');
    vi.stubEnv('NO_COLOR', '1');
    const plain = fakeStream(true);
    new Progress(2, 60_000, { stream: plain.stream }).done(0, 'a');
    expect(plain.text()).not.toContain('\x1b[36m');
    expect(plain.text()).toContain('█');
  });

  it('prints nothing when quiet', () => {
    const { stream, text } = fakeStream(true);
    const p = new Progress(1, 1000, { stream, quiet: true });
    p.update(0, 500);
    p.done(0, 'a');
    p.finish();
    expect(text()).toBe('');
  });

  it('formats durations as m:ss and h:mm:ss', () => {
    expect(clock(5)).toBe('0:05');
    expect(clock(125)).toBe('2:05');
    expect(clock(3725)).toBe('1:02:05');
    expect(clock(Number.NaN)).toBe('--:--');
  });
});

describe('progress of a long run', () => {
  it('prints a plain line every few seconds of wall time with virtual time and events/s, however slowly virtual time moves', () => {
    const { stream, text } = fakeStream(false);
    let wall = 0;
    const p = new Progress(1, 1e15, { stream, now: () => wall, plainEveryMs: 5000 });
    wall = 1000;
    p.update(0, 1e8, 1_000_000);
    expect(text()).toBe('');
    wall = 5000;
    p.update(0, 2e8, 5_000_000);
    wall = 7000;
    p.update(0, 3e8, 7_000_000);
    wall = 10_000;
    p.update(0, 4e8, 10_000_000);
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^progress: 55:33:20 of >1000 h virtual \(<0\.1 %\), 1\.0 M events\/s, elapsed 0:05, ETA >1000 h$/);
    expect(lines[1]).toMatch(/, 1\.0 M events\/s, elapsed 0:10, /);
  });

  it('shows events/s on the terminal bar', () => {
    const { stream, text } = fakeStream(true);
    let wall = 0;
    const p = new Progress(1, 60_000, { stream, now: () => wall });
    wall = 2000;
    p.update(0, 30_000, 600_000);
    expect(text()).toMatch(/0:30 of 1:00 virtual · 300 k events\/s · ETA 0:02/);
  });
});
