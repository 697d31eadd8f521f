import { performance } from 'node:perf_hooks';

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** Where progress goes. @default process.stderr */
  stream?: NodeJS.WriteStream;
  /** Print nothing. */
  quiet?: boolean;
  /** Wall clock in ms (injected by tests). @default performance.now */
  now?: () => number;
  /** Wall time between plain progress lines when the stream is not a terminal, in ms. @default 5000 */
  plainEveryMs?: number;
}

/** Seconds as `m:ss` or `h:mm:ss`; beyond 1,000 hours as `>1000 h`. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  if (seconds >= 3_600_000) return '>1000 h';
  const s = Math.max(0, Math.round(seconds));
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const [h, m, sec] = hms as [number, number, number];
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${String(h)}:${two(m)}:${two(sec)}` : `${String(m)}:${two(sec)}`;
}

/** A rate such as 2.1 M or 850 k. */
function rate(perSec: number): string {
  if (!Number.isFinite(perSec)) return '-';
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(1)} M`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(0)} k`;
  return perSec.toFixed(0);
}

/**
 * Progress of a batch of runs: runs done, virtual time simulated, events per second of wall time and
 * an ETA from the rate so far. On a TTY one line redrawn in place (coloured unless NO_COLOR is set);
 * otherwise a plain line every `plainEveryMs` of wall time, and one per finished run of a batch.
 * Throttled by the wall clock, never by virtual time: a run whose virtual time barely moves still shows life.
 */
export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly color: boolean;
  private readonly quiet: boolean;
  private readonly now: () => number;
  private readonly plainEveryMs: number;
  private readonly started: number;
  private readonly current = new Map<number, { nowMs: number; events: number }>();
  private doneRuns = 0;
  private doneVirtualMs = 0;
  private doneEvents = 0;
  private lastDrawMs = -Infinity;
  private lastPlainMs: number;

  constructor(
    private readonly total: number,
    private readonly durationMs: number,
    options: ProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.tty = this.stream.isTTY;
    this.color = this.tty && (process.env.NO_COLOR ?? '') === '';
    this.quiet = options.quiet === true;
    this.now = options.now ?? (() => performance.now());
    this.plainEveryMs = options.plainEveryMs ?? 5000;
    this.started = this.now();
    this.lastPlainMs = this.started;
  }

  /** Run `id` has reached virtual time `nowMs` after `events` events. */
  update(id: number, nowMs: number, events = 0): void {
    this.current.set(id, { nowMs, events });
    if (this.quiet) return;
    const wall = this.now();
    if (this.tty) {
      if (wall - this.lastDrawMs > 100) this.draw();
    } else if (wall - this.lastPlainMs >= this.plainEveryMs) {
      this.lastPlainMs = wall;
      this.stream.write(`progress: ${this.status()}\n`);
    }
  }

  /** Run `id` finished; `label` names it in plain output. */
  done(id: number, label: string): void {
    this.doneEvents += this.current.get(id)?.events ?? 0;
    this.current.delete(id);
    this.doneRuns++;
    this.doneVirtualMs += this.durationMs;
    if (this.quiet) return;
    if (this.tty) this.draw();
    else this.stream.write(`run ${String(this.doneRuns)}/${String(this.total)} done: ${label}; elapsed ${clock(this.elapsedS())}, ETA ${clock(this.etaS())}\n`);
  }

  /** Clears the bar so the next output starts on a clean line. */
  finish(): void {
    if (this.quiet || !this.tty) return;
    this.stream.write('\r\x1b[2K');
  }

  private elapsedS(): number {
    return (this.now() - this.started) / 1000;
  }

  private virtualMs(): number {
    let ms = this.doneVirtualMs;
    for (const v of this.current.values()) ms += v.nowMs;
    return ms;
  }

  private events(): number {
    let n = this.doneEvents;
    for (const v of this.current.values()) n += v.events;
    return n;
  }

  private etaS(): number {
    const done = this.virtualMs();
    const all = this.total * this.durationMs;
    return done > 0 ? (this.elapsedS() * (all - done)) / done : Number.NaN;
  }

  /** Virtual time, runs, events/s, elapsed and ETA, in words. */
  private status(): string {
    const all = this.total * this.durationMs;
    const share = (100 * this.virtualMs()) / Math.max(1, all);
    const runs = this.total > 1 ? `, ${String(this.doneRuns)}/${String(this.total)} runs` : '';
    const elapsed = this.elapsedS();
    return (
      `${clock(this.virtualMs() / 1000)} of ${clock(all / 1000)} virtual (${share < 0.1 && share > 0 ? '<0.1' : share.toFixed(1)} %)${runs}, ` +
      `${rate(elapsed > 0 ? this.events() / elapsed : Number.NaN)} events/s, elapsed ${clock(elapsed)}, ETA ${clock(this.etaS())}`
    );
  }

  private draw(): void {
    this.lastDrawMs = this.now();
    const share = this.virtualMs() / Math.max(1, this.total * this.durationMs);
    const width = 24;
    const filled = Math.min(width, Math.round(share * width));
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const shown = this.color ? `\x1b[36m${bar}\x1b[0m` : bar;
    const elapsed = this.elapsedS();
    this.stream.write(
      `\r\x1b[2K${shown} ${String(this.doneRuns)}/${String(this.total)} runs · ${clock(this.virtualMs() / 1000)} of ${clock((this.total * this.durationMs) / 1000)} virtual · ` +
        `${rate(elapsed > 0 ? this.events() / elapsed : Number.NaN)} events/s · ETA ${clock(this.etaS())}`,
    );
  }
}
