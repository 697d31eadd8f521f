/**
 * Queueing formulas for sizing a fleet: Erlang B (loss), Erlang C and the M/M/c mean wait (delay),
 * the smallest server counts that meet a bound on either, and Little's law.
 *
 * Everything here is IEEE addition, multiplication and division, so it gives the same bits on every
 * engine (no `Math.log` or `Math.exp`). Rates and times may be in any unit as long as they agree:
 * a wait comes back in the unit of 1 / rate.
 */

function requireCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer, got ${value}`);
}

function requireFinite(name: string, value: number, positive = false): void {
  if (!Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new TypeError(`${name} must be a finite ${positive ? 'positive' : 'non-negative'} number, got ${value}`);
  }
}

/** One step of the Erlang B recursion: B(k) from B(k − 1). */
function erlangBStep(k: number, offeredErlangs: number, previous: number): number {
  const x = offeredErlangs * previous;
  return x / (k + x);
}

/** Erlang C from Erlang B with the same c and A: C = c·B / (c − A·(1 − B)); 1 when A ≥ c. */
function erlangCFromB(servers: number, offeredErlangs: number, blocking: number): number {
  if (offeredErlangs >= servers) return 1;
  return (servers * blocking) / (servers - offeredErlangs * (1 - blocking));
}

/** W_q = C / (c·μ − λ), Infinity when λ ≥ c·μ; `blocking` is Erlang B of c servers and A = λ/μ. */
function meanWaitFromB(servers: number, arrivalRate: number, serviceRate: number, blocking: number): number {
  const capacity = servers * serviceRate;
  if (arrivalRate >= capacity) return Infinity;
  return erlangCFromB(servers, arrivalRate / serviceRate, blocking) / (capacity - arrivalRate);
}

/**
 * Erlang B: the probability that an arrival finds all `servers` busy and is lost, when Poisson
 * arrivals offer `offeredErlangs` (A = λ/μ) to c servers with no queue (M/G/c/c; insensitive to the
 * holding-time distribution beyond its mean).
 *
 * B(c, A) = (A^c / c!) / Σ_{k=0..c} A^k / k!, computed by the recursion B(0) = 1,
 * B(k) = A·B(k−1) / (k + A·B(k−1)), whose terms stay in [0, 1]: no overflow for c and A up to 10^6
 * and beyond (O(c) time). https://en.wikipedia.org/wiki/Erlang_(unit)#Erlang_B_formula
 */
export function erlangB(servers: number, offeredErlangs: number): number {
  requireCount('servers', servers);
  requireFinite('offeredErlangs', offeredErlangs);
  let blocking = 1;
  for (let k = 1; k <= servers; k++) blocking = erlangBStep(k, offeredErlangs, blocking);
  return blocking;
}

/**
 * Erlang C: the probability that an arrival has to wait in M/M/c with offered load A = λ/μ erlangs.
 * 1 when A ≥ c (the queue grows without bound); otherwise C = c·B / (c − A·(1 − B)) with B = Erlang B
 * of the same c and A. https://en.wikipedia.org/wiki/Erlang_(unit)#Erlang_C_formula
 */
export function erlangC(servers: number, offeredErlangs: number): number {
  requireCount('servers', servers);
  requireFinite('offeredErlangs', offeredErlangs);
  if (offeredErlangs >= servers) return 1;
  return erlangCFromB(servers, offeredErlangs, erlangB(servers, offeredErlangs));
}

/**
 * Mean time an arrival waits in the queue of M/M/c (before service starts):
 * W_q = C(c, λ/μ) / (c·μ − λ), with C Erlang C; Infinity when λ ≥ c·μ (also with no servers).
 * `arrivalRate` λ and `serviceRate` μ (per server) in the same unit; the wait is in 1 / that unit.
 * https://en.wikipedia.org/wiki/M/M/c_queue
 */
export function mmcMeanWait(servers: number, arrivalRate: number, serviceRate: number): number {
  requireCount('servers', servers);
  requireFinite('arrivalRate', arrivalRate);
  requireFinite('serviceRate', serviceRate, true);
  if (arrivalRate >= servers * serviceRate) return Infinity;
  return meanWaitFromB(servers, arrivalRate, serviceRate, erlangB(servers, arrivalRate / serviceRate));
}

/**
 * The smallest c with erlangB(c, A) ≤ maxBlocking (0 when maxBlocking is 1). B falls strictly with c
 * for A > 0, so one pass of the Erlang B recursion from c = 0 finds it, in O(c) time (about 10^6 steps
 * for A = 10^6), with exactly the bits `erlangB` gives. `maxBlocking` in (0, 1].
 * https://en.wikipedia.org/wiki/Erlang_(unit)#Erlang_B_formula
 */
export function smallestServersErlangB(offeredErlangs: number, maxBlocking: number): number {
  requireFinite('offeredErlangs', offeredErlangs);
  if (!(maxBlocking > 0 && maxBlocking <= 1)) throw new TypeError(`maxBlocking must be in (0, 1], got ${maxBlocking}`);
  let servers = 0;
  let blocking = 1;
  while (blocking > maxBlocking) {
    servers++;
    blocking = erlangBStep(servers, offeredErlangs, blocking);
  }
  return servers;
}

/**
 * The smallest c with mmcMeanWait(c, λ, μ) ≤ maxMeanWait: the first stable c (c·μ > λ) whose M/M/c
 * mean queueing wait W_q = C(c, λ/μ) / (c·μ − λ) meets the bound, found in one pass of the Erlang B
 * recursion (O(c) time, exactly the bits `mmcMeanWait` gives). `maxMeanWait` > 0, in 1 / the rates' unit;
 * Infinity asks for the smallest stable c. https://en.wikipedia.org/wiki/M/M/c_queue
 */
export function smallestServersMmcWait(arrivalRate: number, serviceRate: number, maxMeanWait: number): number {
  requireFinite('arrivalRate', arrivalRate);
  requireFinite('serviceRate', serviceRate, true);
  if (!(maxMeanWait > 0)) throw new TypeError(`maxMeanWait must be positive, got ${maxMeanWait}`);
  const offeredErlangs = arrivalRate / serviceRate;
  let servers = 0;
  let blocking = 1;
  for (;;) {
    const wait = meanWaitFromB(servers, arrivalRate, serviceRate, blocking);
    if (wait < Infinity && wait <= maxMeanWait) return servers;
    servers++;
    blocking = erlangBStep(servers, offeredErlangs, blocking);
  }
}

/**
 * Little's law: the mean number in a stable system, L = λ·W, from the arrival rate λ and the mean time
 * W an arrival spends in the system (for M/M/c, W = W_q + 1/μ; with W_q alone it gives the mean queue
 * length L_q). Holds for any arrival and service distributions in steady state. 0 when λ or W is 0
 * (even if the other is Infinity). https://en.wikipedia.org/wiki/Little%27s_law
 */
export function littleL(arrivalRate: number, meanTimeInSystem: number): number {
  if (!(arrivalRate >= 0)) throw new TypeError(`arrivalRate must be a non-negative number, got ${arrivalRate}`);
  if (!(meanTimeInSystem >= 0)) throw new TypeError(`meanTimeInSystem must be a non-negative number, got ${meanTimeInSystem}`);
  return arrivalRate === 0 || meanTimeInSystem === 0 ? 0 : arrivalRate * meanTimeInSystem;
}
