/**
 * The one reduction driver of this family: a tensor's axes split into kept and reduced ones, expressed as two offset
 * tables. Every output element (a "group") starts at `groupStarts[g]` and gathers the input elements at
 * `groupStarts[g] + memberOffsets[m]`. Reductions, ArgMax/ArgMin, Softmax and friends, CumSum/CumProd and TopK all
 * walk their tensors through it.
 */
import { normalizeAxis, shapeSize, stridesOf } from '@onnx-ts/core';

/** Offsets of every element of a box of `dims`, visited row-major, each axis stepping by its own stride. */
export function stridedOffsets(dims: readonly number[], strides: readonly number[]): Int32Array {
  const size = shapeSize(dims);
  const out = new Int32Array(size);
  const rank = dims.length;
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < size; i++) {
    out[i] = offset;
    for (let d = rank - 1; d >= 0; d--) {
      offset += strides[d];
      if (++counter[d] < dims[d]) break;
      offset -= strides[d] * counter[d];
      counter[d] = 0;
    }
  }
  return out;
}

export interface ReductionLayout {
  /** Output dims: reduced axes kept as 1 (keepdims) or dropped. */
  outDims: number[];
  /** Input offset where each output element's group starts, in output (row-major) order. */
  groupStarts: Int32Array;
  /** Offsets from a group's start of the elements it gathers, row-major over the reduced axes. */
  memberOffsets: Int32Array;
}

const MAX_OFFSET = 2 ** 31 - 1;

/** Lays out a reduction of `dims` over `axes` (already normalized and distinct). */
export function reductionLayout(dims: readonly number[], axes: readonly number[], keepdims: boolean): ReductionLayout {
  if (shapeSize(dims) > MAX_OFFSET) throw new Error(`tensor of shape [${dims.join(', ')}] is too large to reduce`);
  const strides = stridesOf(dims);
  const reduced = new Set(axes);
  const keptDims: number[] = [];
  const keptStrides: number[] = [];
  const reducedDims: number[] = [];
  const reducedStrides: number[] = [];
  const outDims: number[] = [];
  dims.forEach((d, axis) => {
    if (reduced.has(axis)) {
      reducedDims.push(d);
      reducedStrides.push(strides[axis]);
      if (keepdims) outDims.push(1);
    } else {
      keptDims.push(d);
      keptStrides.push(strides[axis]);
      outDims.push(d);
    }
  });
  return {
    outDims,
    groupStarts: stridedOffsets(keptDims, keptStrides),
    memberOffsets: stridedOffsets(reducedDims, reducedStrides),
  };
}

/** Normalizes one axis against `rank` (scalars have none); `what` names the op and operand in errors. */
export function checkedAxis(axis: number, rank: number, what: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`${what} ${axis} is out of range for an input of rank ${rank} (expected ${-rank}..${rank - 1})`);
  }
  return normalizeAxis(axis, rank);
}

/** Normalizes a list of axes against `rank`; throws on an axis out of range or given twice. */
export function normalizeAxes(axes: readonly number[], rank: number, what: string): number[] {
  const out = axes.map((a) => checkedAxis(a, rank, what));
  if (new Set(out).size !== out.length) throw new Error(`${what} [${axes.join(', ')}] repeats an axis`);
  return out;
}
