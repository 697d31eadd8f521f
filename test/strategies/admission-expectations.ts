import type { AdmissionName, ConnectionView, ServerLoadView, ShedderName } from '../../src/strategies/admission/index.js';
import type { Options } from './admission-fixtures.js';

// What the admission and shedding conformance suite promises per strategy; new ones get a fallback until documented here.

type Patch = Partial<ServerLoadView>;

/** The views around a threshold policy's edge, for its parsed options. */
export interface Edge {
  /** Views just under the threshold: admitted, even when every other signal is over its limit. */
  readonly below: readonly Patch[];
  /** Views at or above the threshold: refused. */
  readonly atOrAbove: readonly Patch[];
}

export type Rule =
  /** Admits every view. */
  | { readonly kind: 'never-refuses' }
  /** Refuses with `reason` exactly at and above one signal's threshold. */
  | { readonly kind: 'threshold'; readonly reason: string; readonly edge: (o: Options) => Edge }
  /** A handshake rate limit (token-bucket), with its own cases. */
  | { readonly kind: 'rate' }
  /** Refuses as the first of its policies that refuses (all-of), with its own cases. */
  | { readonly kind: 'first-refusal' }
  /** Not documented yet: only the generic checks run. */
  | { readonly kind: 'unspecified' };

export interface AdmissionExpectation {
  readonly rule: Rule;
  /** Option sets to check besides the defaults. */
  readonly variants: readonly Options[];
  /** Options and a view under which every call at one instant after the first is refused; absent when it never refuses. */
  readonly refusing?: { readonly options: Options; readonly view: Patch; readonly reason: string };
}

const num = (o: Options, key: string): number => o[key] as number;
/** A patch with these established and handshaking counts. */
const at = (connections: number, handshaking: number): Patch => ({ connections, handshaking });
/** Keeps the patches whose counts are possible (no negative connection or job counts). */
const possible = (patches: Patch[]): Patch[] => patches.filter((p) => Object.values(p).every((v) => v >= 0));

/** Per-policy promises. A new policy gets `fallback` until someone documents it here. */
export const admissionExpectations: Partial<Record<AdmissionName, AdmissionExpectation>> = {
  'accept-all': { rule: { kind: 'never-refuses' }, variants: [] },
  // A set limit overrides the view's cap, so these views carry caps that would decide otherwise.
  'max-connections': {
    rule: {
      kind: 'threshold',
      reason: 'max-connections',
      edge: (o) => {
        const limit = o.limit as number | null;
        const L = limit ?? 40;
        const cap = limit === null ? { maxConnections: 40 } : { maxConnections: limit === 0 ? 1e9 : 0 };
        return {
          below: possible([at(L - 1, 0), at(L - 3, 2), at(0, L - 1)].map((p) => ({ ...cap, ...p }))),
          atOrAbove: possible([at(L, 0), at(L - 1, 1), at(0, L), at(L + 9, 0)].map((p) => ({ ...cap, ...p }))),
        };
      },
    },
    variants: [{ limit: 10 }, { limit: 1 }, { limit: 0 }],
    refusing: { options: { limit: 5 }, view: { connections: 5 }, reason: 'max-connections' },
  },
  'cpu-threshold': {
    rule: {
      kind: 'threshold',
      reason: 'cpu',
      edge: (o) => ({ below: [{ cpuLoad: num(o, 'threshold') - 1e-9 }, { cpuLoad: 0 }], atOrAbove: [{ cpuLoad: num(o, 'threshold') }, { cpuLoad: 1 }] }),
    },
    variants: [{ threshold: 0.5 }, { threshold: 1 }, { threshold: 0.01 }],
    refusing: { options: {}, view: { cpuLoad: 0.95 }, reason: 'cpu' },
  },
  // Unlimited memory (Infinity) is never over any share of it.
  'memory-threshold': {
    rule: {
      kind: 'threshold',
      reason: 'memory',
      edge: (o) => {
        const at = num(o, 'share') * 8e9;
        return {
          below: [{ memoryLimitBytes: 8e9, memoryBytes: at - 1 }, { memoryLimitBytes: Infinity, memoryBytes: 1e15 }],
          atOrAbove: [{ memoryLimitBytes: 8e9, memoryBytes: at }, { memoryLimitBytes: 8e9, memoryBytes: 9e9 }],
        };
      },
    },
    variants: [{ share: 0.5 }, { share: 1 }],
    refusing: { options: {}, view: { memoryBytes: 7.5e9 }, reason: 'memory' },
  },
  'queue-length': {
    rule: {
      kind: 'threshold',
      reason: 'queue',
      edge: (o) => ({ below: possible([{ queuedWork: num(o, 'limit') - 1 }]), atOrAbove: [{ queuedWork: num(o, 'limit') }, { queuedWork: num(o, 'limit') + 5000 }] }),
    },
    variants: [{ limit: 1 }, { limit: 50 }],
    refusing: { options: { limit: 3 }, view: { queuedWork: 3 }, reason: 'queue' },
  },
  // The first call takes the only token; with a rate of one per 1000 s none comes back within the test.
  'token-bucket': {
    rule: { kind: 'rate' },
    variants: [{ ratePerSec: 20, burst: 5 }, { ratePerSec: 0.5 }, { ratePerSec: 1e4, burst: 1 }],
    refusing: { options: { ratePerSec: 1e-3, burst: 1 }, view: {}, reason: 'rate' },
  },
  'all-of': {
    rule: { kind: 'first-refusal' },
    variants: [{ policies: [] }, { policies: ['cpu-threshold', { 'token-bucket': { ratePerSec: 50 } }] }, { policies: [{ 'all-of': {} }, 'accept-all'] }],
  },
};
export const admissionFallback: AdmissionExpectation = { rule: { kind: 'unspecified' }, variants: [] };

export type ShedRule =
  /** Selects nothing, ever. */
  | { readonly kind: 'nothing' }
  /** The first min(count, n) connections under `order`, exact ties in input order. */
  | { readonly kind: 'order'; readonly order: (a: ConnectionView, b: ConnectionView) => number }
  /** Every ordered selection of distinct ids equally likely. */
  | { readonly kind: 'uniform' }
  /** Not documented yet: only the generic checks run. */
  | { readonly kind: 'unspecified' };

/** Per-shedder promises. A new shedder gets `shedderFallback` until someone documents it here. */
export const shedderExpectations: Partial<Record<ShedderName, ShedRule>> = {
  none: { kind: 'nothing' },
  'idle-first': { kind: 'order', order: (a, b) => a.lastActivityMs - b.lastActivityMs || b.openedAtMs - a.openedAtMs },
  'newest-first': { kind: 'order', order: (a, b) => b.openedAtMs - a.openedAtMs || a.lastActivityMs - b.lastActivityMs },
  'oldest-first': { kind: 'order', order: (a, b) => a.openedAtMs - b.openedAtMs || a.lastActivityMs - b.lastActivityMs },
  random: { kind: 'uniform' },
};
export const shedderFallback: ShedRule = { kind: 'unspecified' };
