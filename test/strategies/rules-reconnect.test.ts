import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/index.js';
import { backoffs, CONNECTED, instantiate, nextReconnect, type Backoff, type ReconnectState, type Rng } from '../../src/strategies/index.js';

/** Wraps a backoff so each call's arguments (how many, and which) are kept. */
function spy(inner: Backoff): { backoff: Backoff; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const backoff: Backoff = {
    name: inner.name,
    next(...args: Parameters<Backoff['next']>) {
      calls.push(args.slice(0, 2).concat(args.length > 3 ? [args[3]] : []));
      return inner.next(...args);
    },
  };
  return { backoff, calls };
}

describe('the reconnect loop (both worlds: sim retryLater and onConnectedReply, real swarm)', () => {
  for (const name of Object.keys(backoffs)) {
    it(`${name}: delays are the backoff's own, retry counts up from 1 and the previous delay is fed back`, () => {
      const backoff = instantiate(backoffs, { name, options: {} }, 'reconnect');
      const ruleRng = new RngStreams(5).stream('backoff');
      const directRng = new RngStreams(5).stream('backoff');
      let state: ReconnectState = CONNECTED;
      let prevDelayMs = 0;
      for (let retry = 1; retry <= 12; retry++) {
        const hintMs = retry % 4 === 0 ? 1500 : 0;
        const step = nextReconnect(backoff, state, hintMs, ruleRng);
        const expected = hintMs > 0 ? backoff.next(retry, prevDelayMs, directRng, hintMs) : backoff.next(retry, prevDelayMs, directRng);
        expect(step.state.retry).toBe(retry);
        if (expected === null) {
          expect(step).toEqual({ kind: 'give-up', state: { retry, prevDelayMs } });
          return;
        }
        expect(step).toEqual({ kind: 'wait', delayMs: expected, state: { retry, prevDelayMs: expected } });
        state = step.state;
        prevDelayMs = expected;
      }
    });
  }

  it('passes a retry-after hint only when there is one (> 0), as the sim does', () => {
    const { backoff, calls } = spy(instantiate(backoffs, { name: 'constant', options: { delayMs: 100 } }, 'reconnect'));
    const rng: Rng = { next: () => 0.5 };
    const first = nextReconnect(backoff, CONNECTED, 0, rng);
    nextReconnect(backoff, first.state, 2500, rng);
    expect(calls).toEqual([
      [1, 0],
      [2, 100, 2500],
    ]);
  });

  it('a refusal hint longer than the backoff sets the delay', () => {
    const backoff = instantiate(backoffs, { name: 'constant', options: { delayMs: 100 } }, 'reconnect');
    const step = nextReconnect(backoff, { retry: 2, prevDelayMs: 100 }, 2500, { next: () => 0.5 });
    expect(step).toEqual({ kind: 'wait', delayMs: 2500, state: { retry: 3, prevDelayMs: 2500 } });
  });

  it('a client that gives up keeps its count and previous delay; a connected one starts from retry 0', () => {
    const backoff = instantiate(backoffs, { name: 'constant', options: { delayMs: 100, maxAttempts: 2 } }, 'reconnect');
    const rng: Rng = { next: () => 0.5 };
    let state = CONNECTED;
    const kinds: string[] = [];
    for (let k = 0; k < 3; k++) {
      const step = nextReconnect(backoff, state, 0, rng);
      kinds.push(step.kind);
      state = step.state;
    }
    expect(kinds).toEqual(['wait', 'wait', 'give-up']);
    expect(state).toEqual({ retry: 3, prevDelayMs: 100 });
    expect(CONNECTED).toEqual({ retry: 0, prevDelayMs: 0 });
  });
});
