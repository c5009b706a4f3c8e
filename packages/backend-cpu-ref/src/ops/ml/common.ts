/** Helpers shared by the ai.onnx.ml kernels: feature matrices, class labels, attribute checks. */
import { Tensor, isTensor, describeValue, type Value } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';

export const ML_DOMAIN = 'ai.onnx.ml';

/** The numeric element types most ai.onnx.ml operators accept as features. */
export const FEATURE_DTYPES = ['float32', 'float64', 'int64', 'int32'] as const;

/** A batch of feature rows: `values[n * cols + c]`. */
export interface FeatureRows {
  rows: number;
  cols: number;
  values: Float64Array;
}

/** The input tensor of an op, or a clear error naming what came instead. */
export function tensorInput(op: string, value: Value | undefined, what = 'X'): Tensor {
  if (!isTensor(value)) throw new Error(`${op}: input ${what} should be a tensor, got ${describeValue(value)}`);
  return value;
}

/**
 * Reads X of shape [N, C] (or [C], one row) as numbers. Higher ranks keep the first axis as the batch and flatten
 * the rest into features.
 */
export function featureRows(op: string, x: Tensor): FeatureRows {
  if (x.dims.length === 0) throw new Error(`${op}: X should be [N, C] or [C], got a scalar`);
  const rows = x.dims.length === 1 ? 1 : x.dims[0];
  const cols = rows === 0 ? x.dims.slice(1).reduce((a, b) => a * b, 1) : x.size / rows;
  return { rows, cols, values: toNumbers(x) };
}

/** A float32 tensor from computed numbers. */
export function float32Tensor(values: ArrayLike<number>, dims: readonly number[]): Tensor {
  return new Tensor('float32', Float32Array.from(values), dims);
}

/** Class labels given as either int64s or strings (exactly one list in use). */
export type ClassLabels = { kind: 'int64'; values: bigint[] } | { kind: 'string'; values: string[] };

/** Picks the label list among the int and string attributes; when both are empty, labels are class indices. */
export function classLabels(
  op: string,
  ints: readonly number[] | undefined,
  strings: readonly string[] | undefined,
  names: [ints: string, strings: string],
): ClassLabels {
  const hasInts = ints !== undefined && ints.length > 0;
  const hasStrings = strings !== undefined && strings.length > 0;
  if (hasInts && hasStrings) throw new Error(`${op}: only one of '${names[0]}' and '${names[1]}' may be set`);
  if (hasStrings) return { kind: 'string', values: [...strings] };
  return { kind: 'int64', values: (ints ?? []).map((v) => BigInt(v)) };
}

/** The label tensor of shape [N]: `picks[n]` is a label index, or -1 for the type's empty label (0 or ''). */
export function labelTensor(labels: ClassLabels, picks: ArrayLike<number>): Tensor {
  const n = picks.length;
  if (labels.kind === 'string') {
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = picks[i] < 0 ? '' : labels.values[picks[i]];
    return new Tensor('string', out, [n]);
  }
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = picks[i] < 0 ? 0n : labels.values[picks[i]] ?? BigInt(picks[i]);
  return new Tensor('int64', out, [n]);
}

/** Throws unless every listed attribute has the expected length. */
export function checkLengths(op: string, expected: number, lists: Record<string, { length: number } | undefined>): void {
  for (const [name, list] of Object.entries(lists)) {
    if (list !== undefined && list.length !== expected) {
      throw new Error(`${op}: attribute '${name}' has ${list.length} entries, expected ${expected}`);
    }
  }
}

/** Index of the largest value in `values[start, start + count)`; the first one on ties. */
export function argMax(values: ArrayLike<number>, start: number, count: number): number {
  let best = 0;
  for (let j = 1; j < count; j++) if (values[start + j] > values[start + best]) best = j;
  return best;
}

/** A float attribute list that may instead be given as a tensor (`*_as_tensor`, for double precision). */
export function floatsOrTensor(op: string, name: string, floats: number[] | undefined, tensor: Tensor | undefined): number[] | undefined {
  if (floats !== undefined && floats.length > 0 && tensor !== undefined) {
    throw new Error(`${op}: only one of '${name}' and '${name}_as_tensor' may be set`);
  }
  return tensor !== undefined ? Array.from(toNumbers(tensor)) : floats;
}

/** The shortest decimal text that reads back as the same float32 (as numpy prints a float32). */
export function float32ToString(v: number): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f)) return Number.isNaN(f) ? 'NaN' : f > 0 ? 'Infinity' : '-Infinity';
  for (let digits = 1; digits < 9; digits++) {
    const text = f.toPrecision(digits);
    if (Math.fround(Number(text)) === f) return String(Number(text));
  }
  return String(Number(f.toPrecision(9)));
}
