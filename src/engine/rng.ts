import seedrandom from 'seedrandom';

/** A source of uniform numbers in [0, 1). Strategies and the model receive one; they never call Math.random. */
export interface Rng {
  next(): number;
}

/**
 * One run seed, forked into named, independent streams.
 *
 * A stream's sequence depends only on the run seed and its name, so adding
 * clients (which draws more from `clients`) leaves `faults` untouched, and two
 * variants run with the same seed share common random numbers per component.
 */
export class RngStreams {
  readonly seed: number;
  private readonly path: readonly string[];

  constructor(seed: number, path: readonly string[] = []) {
    if (!Number.isSafeInteger(seed)) {
      throw new TypeError(`Expected seed to be a safe integer, got ${String(seed)}`);
    }
    this.seed = seed;
    this.path = path;
  }

  /** The stream named `name` (alea generator, about 130 M draws/s). */
  stream(name: string): Rng {
    return seededStream(streamKey(this.seed, ...this.path, name));
  }

  /** A family of streams under `name/`, for per-entity streams. */
  fork(name: string): RngStreams {
    return new RngStreams(this.seed, [...this.path, name]);
  }
}

/**
 * The seed key of a named stream: `${seed}/a/b/name`. The one place the format lives, so a real
 * adapter that opens `streamKey(seed, 'balancer', '0', 'pick')` draws what the sim's
 * `new RngStreams(seed).fork('balancer').fork('0').stream('pick')` draws.
 */
export function streamKey(seed: number, ...path: readonly string[]): string {
  return `${String(seed)}/${path.join('/')}`;
}

/** The stream of a seed key (alea). */
export function seededStream(key: string): Rng {
  return { next: seedrandom.alea(key) };
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}
