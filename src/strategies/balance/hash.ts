import type { ConnectRequest } from './types.js';

/** What identifies a client for hashing and stickiness. */
export type ClientKey = 'client' | 'address';

/** murmur3's 32-bit finalizer: a bijection on 32-bit integers in which every output bit depends on every input bit. */
export function fmix32(h: number): number {
  let x = h >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** A well-mixed unsigned 32-bit hash of an integer; both 32-bit halves of a safe integer count. */
export function hashInt(n: number): number {
  const high = Math.floor(n / 2 ** 32) >>> 0;
  return fmix32((n >>> 0) ^ fmix32(high + 0x9e3779b9));
}

/** A well-mixed unsigned 32-bit hash of a string: FNV-1a over its UTF-16 code units, then `fmix32`. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  return fmix32(h);
}

/** The client id, or the first `addressPrefixBits` bits of the IPv4 address (24: nginx ip_hash's 3 octets). */
export function keyOf(request: ConnectRequest, key: ClientKey, addressPrefixBits: number): number {
  if (key === 'client') return request.clientId;
  return addressPrefixBits <= 0 ? 0 : (request.clientAddress >>> 0) >>> (32 - Math.min(32, addressPrefixBits));
}
