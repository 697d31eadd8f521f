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
  private readonly prefix: string;

  constructor(seed: number, prefix = '') {
    if (!Number.isSafeInteger(seed)) {
      throw new TypeError(`Expected seed to be a safe integer, got ${String(seed)}`);
    }
    this.seed = seed;
    this.prefix = prefix;
  }

  /** The stream named `name` (alea generator, about 130 M draws/s). */
  stream(name: string): Rng {
    const prng = seedrandom.alea(`${String(this.seed)}/${this.prefix}${name}`);
    return { next: prng };
  }

  /** A family of streams under `name/`, for per-entity streams. */
  fork(name: string): RngStreams {
    return new RngStreams(this.seed, `${this.prefix}${name}/`);
  }
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}
