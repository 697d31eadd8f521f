import { hashString } from './hash.js';

/** A backend as the ring sees it. */
export interface RingMember {
  readonly id: number;
  readonly weight: number;
}

/** Points sorted by hash; `members[k]` is the position (in the member list) owning point k. */
export interface Ring {
  readonly hashes: Uint32Array;
  readonly members: Int32Array;
}

/** Virtual nodes of a member: round(weight × pointsPerWeight), at least 1 when weight > 0, none when draining. */
export function pointsOf(weight: number, pointsPerWeight: number): number {
  return weight > 0 ? Math.max(1, Math.round(weight * pointsPerWeight)) : 0;
}

/** Positions fit in 21 bits, so (hash, position) packs exactly into one float64 for a fast numeric sort. */
const POSITION_BITS = 2 ** 21;

/** Builds the ring: member `id` gets points at hash(`${id}-${k}`) for k below its point count; equal hashes go to the earlier member. */
export function buildRing(members: readonly RingMember[], pointsPerWeight: number): Ring {
  if (members.length > POSITION_BITS) throw new TypeError(`Expected at most ${POSITION_BITS} ring members, got ${members.length}`);
  const packed: number[] = [];
  members.forEach((m, position) => {
    for (let k = 0; k < pointsOf(m.weight, pointsPerWeight); k++) packed.push(hashString(`${m.id}-${k}`) * POSITION_BITS + position);
  });
  const sorted = Float64Array.from(packed).sort();
  const ring = { hashes: new Uint32Array(sorted.length), members: new Int32Array(sorted.length) };
  sorted.forEach((p, k) => {
    ring.hashes[k] = Math.floor(p / POSITION_BITS);
    ring.members[k] = p % POSITION_BITS;
  });
  return ring;
}

/** The index of the first point at or after `hash`, wrapping to 0 past the last one. */
export function firstPointFrom(ring: Ring, hash: number): number {
  let lo = 0;
  let hi = ring.hashes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((ring.hashes[mid] as number) < hash) lo = mid + 1;
    else hi = mid;
  }
  return lo === ring.hashes.length ? 0 : lo;
}

/** The member position owning `keyHash` (the first point clockwise), or -1 on an empty ring; pure, for remapping studies. */
export function ringOwner(ring: Ring, keyHash: number): number {
  return ring.hashes.length === 0 ? -1 : (ring.members[firstPointFrom(ring, keyHash)] as number);
}
