/**
 * The Reduce* operators: one kernel factory over the reduction driver. Each operator supplies an accumulator per
 * compute representation; the factory handles axes (attribute before `axesInputSince`, input from it), keepdims,
 * noop_with_empty_axes and empty tensors.
 */
import { attr, defineKernel, shapeSize, type DType, type KernelSpec, type Tensor } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';
import { optionalTensor, readIntegers, requireTensor } from './inputs.js';
import { normalizeAxes, reductionLayout } from './layout.js';
import { allocNumeric, numericTensor, readNumeric, type Buffer } from './numeric.js';

export interface Accumulator<T> {
  /** The starting value, which is also the result of reducing an empty set. */
  init: T | ((type: DType) => T);
  step: (acc: T, value: T) => T;
  /** Turns the accumulated value of `count` elements into the result. */
  finish?: (acc: T, count: number) => T;
}

export interface ReductionDef {
  op: string;
  /** Opset from which axes is an optional input (with noop_with_empty_axes) instead of an attribute. */
  axesInputSince: number;
  dtypes: readonly DType[];
  /** float32/float64 and the decoded low-precision floats. */
  float: Accumulator<number>;
  /** 8/16/32-bit integers and bool; when absent they go through `float` and must give finite results. */
  int?: Accumulator<number>;
  /** int64/uint64; when absent they go through `float` as numbers and must give finite results. */
  bigint?: Accumulator<bigint>;
}

function reduceGroups<T>(
  values: ArrayLike<T>,
  out: Buffer<T>,
  starts: Int32Array,
  members: Int32Array,
  acc: Accumulator<T>,
  type: DType,
): void {
  const init = typeof acc.init === 'function' ? (acc.init as (type: DType) => T)(type) : acc.init;
  const count = members.length;
  for (let g = 0; g < starts.length; g++) {
    const start = starts[g];
    let a = init;
    for (let m = 0; m < count; m++) a = acc.step(a, values[start + members[m]]);
    out[g] = acc.finish ? acc.finish(a, count) : a;
  }
}

/** Reduces `x` over `axes` (as given: possibly negative; an empty list reduces each element alone). */
export function reduce(def: ReductionDef, x: Tensor, axes: readonly number[], keepdims: boolean): Tensor {
  const layout = reductionLayout(x.dims, normalizeAxes(axes, x.dims.length, `${def.op}: axis`), keepdims);
  const { outDims, groupStarts, memberOffsets } = layout;
  const input = readNumeric(x);
  if (input.kind === 'bigint' && def.bigint) {
    const out = allocNumeric(x.type, shapeSize(outDims)) as BigInt64Array;
    reduceGroups(input.values, out, groupStarts, memberOffsets, def.bigint, x.type);
    return numericTensor(x.type, out, outDims);
  }
  const own = input.kind === 'float' ? def.float : input.kind === 'int' ? def.int : undefined;
  const values = input.kind === 'bigint' ? toNumbers(x) : input.values;
  const out = new Float64Array(shapeSize(outDims));
  reduceGroups(values, out, groupStarts, memberOffsets, own ?? def.float, x.type);
  if (!own) {
    const bad = out.find((v) => !Number.isFinite(v));
    if (bad !== undefined) throw new Error(`${def.op}: result ${bad} cannot be represented in ${x.type}`);
  }
  return numericTensor(x.type, out, outDims);
}

const allAxes = (x: Tensor): number[] => x.dims.map((_, i) => i);

/** Kernel specs of one Reduce* operator for every opset. */
export function reductionKernels(def: ReductionDef): KernelSpec<any>[] {
  return [
    defineKernel({
      op: def.op,
      since: 1,
      until: def.axesInputSince - 1,
      dtypes: def.dtypes,
      attrs: { axes: attr.ints(), keepdims: attr.int(1) },
      run: ([x], { axes, keepdims }) => {
        const data = requireTensor(def.op, x, 'data');
        return [reduce(def, data, axes?.length ? axes : allAxes(data), keepdims !== 0)];
      },
    }),
    defineKernel({
      op: def.op,
      since: def.axesInputSince,
      dtypes: def.dtypes,
      attrs: { keepdims: attr.int(1), noop_with_empty_axes: attr.int(0) },
      run: ([x, axesInput], { keepdims, noop_with_empty_axes }) => {
        const data = requireTensor(def.op, x, 'data');
        const axesTensor = optionalTensor(def.op, axesInput, 'axes');
        const axes = axesTensor ? readIntegers(axesTensor, `${def.op}: input 'axes'`) : [];
        // Reducing over no axes reduces each element alone: Sum keeps it, SumSquare squares it, L1 takes |x|.
        const effective = axes.length > 0 || noop_with_empty_axes !== 0 ? axes : allAxes(data);
        return [reduce(def, data, effective, keepdims !== 0)];
      },
    }),
  ];
}

/** The element types of ReduceSum, ReduceMean, ReduceProd and the norm/log reductions. */
export const REDUCE_DTYPES: readonly DType[] = [
  'uint32', 'uint64', 'int32', 'int64', 'float16', 'float32', 'float64', 'bfloat16',
];
