import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/index.js';
import { firstCheckOffsetsMs, HealthCounter } from '../../src/strategies/index.js';

/** The flips of a counter fed `results` (1 pass, 0 fail): the index of each flip and the belief after it. */
function flips(counter: HealthCounter, results: string): [number, boolean][] {
  const out: [number, boolean][] = [];
  for (let k = 0; k < results.length; k++) {
    if (counter.record(results[k] === '1')) out.push([k, counter.healthy]);
  }
  return out;
}

describe('rise/fall health (sim balancer, real proxy): HAProxy consecutive-check semantics', () => {
  it('starts UP and goes DOWN after `fall` failures in a row', () => {
    expect(flips(new HealthCounter({ rise: 2, fall: 3 }), '000')).toEqual([[2, false]]);
  });

  it('a pass between failures resets the failure run', () => {
    expect(flips(new HealthCounter({ rise: 2, fall: 3 }), '00100100')).toEqual([]);
  });

  it('comes back UP after `rise` passes in a row, a failure resetting the run', () => {
    expect(flips(new HealthCounter({ rise: 2, fall: 1 }), '0101011')).toEqual([
      [0, false],
      [6, true],
    ]);
  });

  it('after a flip the opposite run starts from zero: fall failures again to go down', () => {
    expect(flips(new HealthCounter({ rise: 1, fall: 2 }), '00100')).toEqual([
      [1, false],
      [2, true],
      [4, false],
    ]);
  });

  it('markDown: an added server is DOWN until `rise` passes, and one failure keeps it down', () => {
    const counter = new HealthCounter({ rise: 3, fall: 2 });
    counter.markDown();
    expect(counter.healthy).toBe(false);
    expect(flips(counter, '110111')).toEqual([[5, true]]);
  });

  it('flips only on a change of belief, never twice in the same direction', () => {
    const rng = new RngStreams(4).stream('checks');
    const counter = new HealthCounter({ rise: 2, fall: 2 });
    let last = counter.healthy;
    for (let k = 0; k < 2000; k++) {
      const flipped = counter.record(rng.next() < 0.5);
      expect(flipped).toBe(counter.healthy !== last);
      last = counter.healthy;
    }
  });

  it("first checks: balancer b of a tier takes its servers' slice of the one shared stream, in the sim's order", () => {
    const servers = 3;
    const tier = 2;
    const shared = new RngStreams(11).stream('health');
    const simOrder = Array.from({ length: tier }, () => Array.from({ length: servers }, () => shared.next() * 500));
    for (let b = 0; b < tier; b++) {
      const all = firstCheckOffsetsMs(new RngStreams(11).stream('health'), 500, (b + 1) * servers);
      expect(all.slice(b * servers)).toEqual(simOrder[b]);
    }
  });
});
