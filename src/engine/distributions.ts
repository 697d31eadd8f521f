import type { Rng } from './rng.js';
import { cos, exp, log, pow } from '../numeric/fmath.js';

/** A distribution in the engine's unitless form; the experiment schema attaches units. */
export type DistributionSpec =
  | { kind: 'constant'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'normal'; mean: number; std: number; min?: number }
  | { kind: 'lognormal'; mean: number; std: number }
  | { kind: 'pareto'; scale: number; shape: number }
  | { kind: 'empirical'; values: readonly number[]; weights?: readonly number[] };

export interface Distribution {
  readonly spec: DistributionSpec;
  /** The theoretical mean (Infinity when it does not exist). */
  readonly mean: number;
  /** The theoretical variance (Infinity when it does not exist; approximate for a truncated normal). */
  readonly variance: number;
  sample(rng: Rng): number;
}

type Compiler<K extends DistributionSpec['kind']> = (spec: Extract<DistributionSpec, { kind: K }>) => Distribution;

/** One compiler per kind; a missing kind is a type error. */
const compilers: { [K in DistributionSpec['kind']]: Compiler<K> } = {
  constant: (spec) => ({ spec, mean: spec.value, variance: 0, sample: () => spec.value }),
  uniform: (spec) => {
    const width = spec.max - spec.min;
    return {
      spec,
      mean: (spec.min + spec.max) / 2,
      variance: (width * width) / 12,
      sample: (rng) => spec.min + width * rng.next(),
    };
  },
  exponential: (spec) => ({
    spec,
    mean: spec.mean,
    variance: spec.mean * spec.mean,
    sample: (rng) => -spec.mean * log(1 - rng.next()),
  }),
  normal: (spec) => {
    const min = spec.min ?? -Infinity;
    return {
      spec,
      mean: spec.mean,
      variance: spec.std * spec.std,
      sample: (rng) => Math.max(min, spec.mean + spec.std * standardNormal(rng)),
    };
  },
  lognormal: (spec) => {
    // Parameters of the underlying normal from the mean and standard deviation of the lognormal.
    const sigma2 = log(1 + (spec.std * spec.std) / (spec.mean * spec.mean));
    const mu = log(spec.mean) - sigma2 / 2;
    const sigma = Math.sqrt(sigma2);
    return {
      spec,
      mean: spec.mean,
      variance: spec.std * spec.std,
      sample: (rng) => exp(mu + sigma * standardNormal(rng)),
    };
  },
  pareto: (spec) => {
    const { scale, shape } = spec;
    const mean = shape > 1 ? (shape * scale) / (shape - 1) : Infinity;
    const variance = shape > 2 ? (scale * scale * shape) / ((shape - 1) ** 2 * (shape - 2)) : Infinity;
    return { spec, mean, variance, sample: (rng) => scale / pow(1 - rng.next(), 1 / shape) };
  },
  empirical: (spec) => compileEmpirical(spec),
};

export function compileDistribution(spec: DistributionSpec): Distribution {
  return (compilers[spec.kind] as Compiler<typeof spec.kind>)(spec);
}

function compileEmpirical(spec: Extract<DistributionSpec, { kind: 'empirical' }>): Distribution {
  const { values } = spec;
  const weights = spec.weights ?? values.map(() => 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative = new Float64Array(values.length);
  let acc = 0;
  let mean = 0;
  weights.forEach((w, i) => {
    acc += w / total;
    cumulative[i] = acc;
    mean += (w / total) * (values[i] as number);
  });
  let variance = 0;
  weights.forEach((w, i) => {
    variance += (w / total) * ((values[i] as number) - mean) ** 2;
  });
  const last = values.length - 1;
  return {
    spec,
    mean,
    variance,
    sample: (rng) => {
      const u = rng.next();
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cumulative[mid] as number) > u) hi = mid;
        else lo = mid + 1;
      }
      return values[lo] as number;
    },
  };
}

/** Box-Muller with one output per two draws, so each sample consumes a fixed count of numbers. */
function standardNormal(rng: Rng): number {
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * log(u1)) * cos(2 * Math.PI * u2);
}
