import type { Admission } from './types.js';
import { admitted } from './refusal.js';

/** Admits every connection, as a plain ws server does; caps and overload are left to the OS and the balancer. */
export function createAcceptAll(): Admission {
  return {
    name: 'accept-all',
    admit() {
      return admitted;
    },
  };
}
