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
    expect(coloured.text()).toMatch(/1\/2 runs · 1:00 of 2:00 virtual · ETA /);
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
