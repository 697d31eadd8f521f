import { describe, expect, it } from 'vitest';
import { excessOver } from '../../src/strategies/admission/index.js';
import { quiet, view } from './admission-fixtures.js';

describe('excessOver', () => {
  it('counts the established connections above the limit, rounding up, never below 0', () => {
    expect(excessOver(view({ connections: 120, handshaking: 50 }), 100)).toBe(20);
    expect(excessOver(view({ connections: 80 }), 100)).toBe(0);
    expect(excessOver(view({ connections: 100 }), 99.5)).toBe(1);
    expect(excessOver(view({ connections: 100 }), 0)).toBe(100);
    expect(excessOver(quiet, Infinity)).toBe(0);
  });

  it('rejects a negative or NaN limit', () => {
    expect(() => excessOver(quiet, -1)).toThrow(TypeError);
    expect(() => excessOver(quiet, Number.NaN)).toThrow(TypeError);
  });
});
