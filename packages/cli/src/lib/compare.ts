/** Agreement between two backends' values under the ONNX rule |a - b| <= atol + rtol * |b|. */
import type { Value } from '@onnx-ts/core';
import { compareValues, type Tolerance } from '@onnx-ts/conformance';
import { CliError } from './errors.js';

/** Default for comparing backends: float32 kernels that sum in different orders differ by more than 1e-7. */
export const BACKEND_TOLERANCE: Tolerance = { rtol: 1e-3, atol: 1e-5 };

/** undefined when every output agrees, else the first mismatch. */
export function compareOutputs(a: Record<string, Value>, b: Record<string, Value>, tol: Tolerance = BACKEND_TOLERANCE): string | undefined {
  for (const name of Object.keys(b)) {
    const m = compareValues(a[name], b[name], tol, `output '${name}'`);
    if (m) return m;
  }
  return undefined;
}

export function parseTolerance(opts: { rtol?: string; atol?: string }): Tolerance {
  const read = (text: string | undefined, fallback: number, flag: string): number => {
    if (text === undefined) return fallback;
    const v = Number(text);
    if (!Number.isFinite(v) || v < 0) throw new CliError(`${flag} ${text}: expected a non-negative number`);
    return v;
  };
  return { rtol: read(opts.rtol, BACKEND_TOLERANCE.rtol, '--rtol'), atol: read(opts.atol, BACKEND_TOLERANCE.atol, '--atol') };
}
