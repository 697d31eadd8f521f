import { beforeAll, describe, expect, it } from 'vitest';
import type { Summary } from '../../src/metrics/index.js';
import { runLibraryVariant, summaryValue as value } from './library.js';

/**
 * The shed-idle-first experiment at a tenth of its clients (1,600 on 8 servers) with the shedding limit
 * scaled with them (220), so the survivors of the crash shed as they do at full scale.
 */
const run = (strategy: string): Summary => runLibraryVariant('shed-idle-first', [`fleet.server.shedding.strategy=${strategy}`, 'fleet.server.shedding.limit=220'], 0.1);

describe('shedding above a limit after a crash', () => {
  let none: Summary;
  let idle: Summary;
  let random: Summary;
  beforeAll(() => {
    none = run('none');
    idle = run('idle-first');
    random = run('random');
  });

  it('sheds the same number of connections whatever the order', () => {
    expect(value(none, 'connections.shed')).toBe(0);
    expect(value(idle, 'connections.shed')).toBeGreaterThan(1000);
    expect(Math.abs(value(idle, 'connections.shed') - value(random, 'connections.shed'))).toBeLessThan(value(idle, 'connections.shed') * 0.05);
  });

  it('loses almost nothing more than no shedding when it closes idle connections first, and much more at random', () => {
    const extraIdle = value(idle, 'messages.lost') - value(none, 'messages.lost');
    const extraRandom = value(random, 'messages.lost') - value(none, 'messages.lost');
    expect(extraRandom).toBeGreaterThan(0);
    expect(extraIdle).toBeLessThan(extraRandom * 0.2);
    expect(value(idle, 'messages.lost.clientsShare')).toBeLessThan(value(random, 'messages.lost.clientsShare'));
  });
});
