/** Errors the user can act on: printed as one line and a hint, without a stack trace (unless --verbose). */
export class CliError extends Error {
  constructor(message: string, readonly hint?: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'CliError';
  }
}
