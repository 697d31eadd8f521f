/** A user mistake: printed without a stack trace, exit code 2. */
export class InputError extends Error {
  readonly code = 'WSFLEET_ERR_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Exit codes, listed in README's "Exit codes": 124 as timeout(1) uses it for a time limit. */
export const EXIT = { ok: 0, internal: 1, input: 2, wallLimit: 124, interrupted: 130 } as const;
