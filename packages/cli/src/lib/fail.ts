/** How the CLI ends on an error: one line and a hint; the stack only with --verbose. */
import { CliError } from './errors.js';

export function fail(e: unknown, verbose: boolean, program = 'onnx-ts'): never {
  const err = e instanceof Error ? e : new Error(String(e));
  console.error(`${program}: ${err.message}`);
  const hint = err instanceof CliError ? err.hint : undefined;
  if (hint) console.error(`hint: ${hint}`);
  if (verbose) {
    for (let cause: unknown = err; cause instanceof Error; cause = cause.cause) console.error(cause.stack);
  } else if (!hint) {
    console.error('hint: run with --verbose for details');
  }
  process.exit(2);
}

/** `onnx-ts inspect m.onnx | head` closes stdout early; that ends the program quietly rather than with EPIPE. */
export function exitQuietlyOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}
