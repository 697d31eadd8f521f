/** A user mistake: printed without a stack trace, exit code 2. */
export class InputError extends Error {
  readonly code = 'WSFLEET_ERR_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export const EXIT = { ok: 0, internal: 1, input: 2 } as const;
