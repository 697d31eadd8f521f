import type { z } from 'zod';

/** A source of uniform numbers in [0, 1), injected by the sim (seeded stream) or real mode. */
export interface Rng {
  next(): number;
}

/**
 * One registry entry: a documented, validated factory.
 * The experiment schema, `wsfleet list` and `--help` are built from these entries.
 */
export interface StrategyEntry<T, S extends z.ZodType = z.ZodType> {
  /** One line for `wsfleet list`. */
  readonly doc: string;
  /** Options with their defaults; parsing `{}` must succeed when the strategy can be named bare. */
  readonly options: S;
  readonly create: (options: z.output<S>) => T;
}

/** Builds an entry while keeping the options type tied to its schema. */
export function entry<T, S extends z.ZodType>(doc: string, options: S, create: (options: z.output<S>) => T): StrategyEntry<T, S> {
  return { doc, options, create };
}

/** A chosen strategy as written in an experiment: its registry name and its parsed options. */
export interface StrategyChoice {
  readonly name: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** Creates the strategy named in `choice`, parsing its options with the entry's schema. */
export function instantiate<T>(registry: Readonly<Record<string, StrategyEntry<T>>>, choice: StrategyChoice, kind: string): T {
  return factory(registry, choice, kind)();
}

/**
 * A maker of instances of one strategy choice: the options are checked once, and each call creates a
 * fresh instance from them (per-connection policies: a fleet opens millions of connections).
 */
export function factory<T>(registry: Readonly<Record<string, StrategyEntry<T>>>, choice: StrategyChoice, kind: string): () => T {
  const found = registry[choice.name];
  if (found === undefined) {
    throw new TypeError(`Expected ${kind} to be one of ${Object.keys(registry).join(', ')}, got ${choice.name}`);
  }
  const options: unknown = found.options.parse(choice.options);
  return () => found.create(options);
}

/** A strategy as written in a file: a bare name, or a one-key map of name to options. */
export type StrategySpec = string | Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** The name and options of a strategy spec (options unparsed when written bare: `{}`). */
export function choiceOf(spec: StrategySpec): StrategyChoice {
  if (typeof spec === 'string') return { name: spec, options: {} };
  const [entry] = Object.entries(spec);
  if (entry === undefined) throw new TypeError('Expected a strategy name or a one-key map of name to options, got an empty map');
  return { name: entry[0], options: entry[1] };
}
