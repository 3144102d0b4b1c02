/** Errors the CLI reports as a clear message and exit code 2 (bad input), before running. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
