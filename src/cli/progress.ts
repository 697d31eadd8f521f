import { performance } from 'node:perf_hooks';

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** Where progress goes. @default process.stderr */
  stream?: NodeJS.WriteStream;
  /** Print nothing. */
  quiet?: boolean;
}

/** Seconds as `m:ss` or `h:mm:ss`. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const [h, m, sec] = hms as [number, number, number];
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${String(h)}:${two(m)}:${two(sec)}` : `${String(m)}:${two(sec)}`;
}

/**
 * Progress of a batch of runs: runs done, virtual time simulated and an ETA from the rate so far.
 * On a TTY one line redrawn in place (coloured unless NO_COLOR is set); otherwise one plain line per finished run.
 */
export class Progress {
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly color: boolean;
  private readonly quiet: boolean;
  private readonly started = performance.now();
  private readonly current = new Map<number, number>();
  private doneRuns = 0;
  private doneVirtualMs = 0;
  private lastDrawMs = -Infinity;

  constructor(
    private readonly total: number,
    private readonly durationMs: number,
    options: ProgressOptions = {},
  ) {
    this.stream = options.stream ?? process.stderr;
    this.tty = this.stream.isTTY;
    this.color = this.tty && (process.env.NO_COLOR ?? '') === '';
    this.quiet = options.quiet === true;
  }

  /** Run `id` has reached virtual time `nowMs`. */
  update(id: number, nowMs: number): void {
    this.current.set(id, nowMs);
    if (this.tty && performance.now() - this.lastDrawMs > 100) this.draw();
  }

  /** Run `id` finished; `label` names it in plain output. */
  done(id: number, label: string): void {
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
    return (performance.now() - this.started) / 1000;
  }

  private virtualMs(): number {
    let ms = this.doneVirtualMs;
    for (const v of this.current.values()) ms += v;
    return ms;
  }

  private etaS(): number {
    const done = this.virtualMs();
    const all = this.total * this.durationMs;
    return done > 0 ? (this.elapsedS() * (all - done)) / done : Number.NaN;
  }

  private draw(): void {
    if (this.quiet) return;
    this.lastDrawMs = performance.now();
    const share = this.virtualMs() / Math.max(1, this.total * this.durationMs);
    const width = 24;
    const filled = Math.min(width, Math.round(share * width));
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const shown = this.color ? `\x1b[36m${bar}\x1b[0m` : bar;
    const virtualS = this.virtualMs() / 1000;
    this.stream.write(
      `\r\x1b[2K${shown} ${String(this.doneRuns)}/${String(this.total)} runs · ${clock(virtualS)} of ${clock((this.total * this.durationMs) / 1000)} virtual · ETA ${clock(this.etaS())}`,
    );
  }
}
