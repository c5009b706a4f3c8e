/**
 * Elementwise float32 kernels in WebAssembly: Relu and Clip as a clamp, the four arithmetic ops for equal shapes, a
 * scalar side or a per-channel side ([C,1,1] against [N,C,H,W]), and Sum of equal shapes. Other broadcasts go to the
 * reference kernel.
 */
import { Tensor, broadcastShapes, shapeSize, type KernelContext, type KernelInputs, type Value } from '@onnx-ts/core';
import { withScratch } from '../runtime/call.js';
import { floatsOf } from '../runtime/resident.js';
import { binaryAll, channelBinaryAll, clampAll } from './parallel.js';
import { accelerate, floatInput } from './accelerate.js';

const FLOAT32_MAX = 3.4028234663852886e38;

/** y = min(max(x, lo), hi) (NaN stays NaN). */
export function clampTensor(x: Tensor<'float32'>, lo: number, hi: number): Tensor<'float32'> {
  return withScratch((scratch) => {
    const xAt = scratch.tensor(x);
    const yAt = scratch.output(x.size);
    clampAll(xAt, yAt, x.size, lo, hi);
    return scratch.result(yAt, x.dims);
  });
}

/** A one-element float32 bound of Clip (opset 11+), undefined when absent, null when the reference kernel should decide. */
function bound(inputs: KernelInputs, i: number): number | undefined | null {
  const v = inputs[i];
  if (v === undefined || v === null) return undefined;
  const t = floatInput(inputs, i);
  return t && t.size === 1 ? floatsOf(t)[0] : null;
}

const OPS = { Add: 0, Sub: 1, Mul: 2, Div: 3 } as const;

/** The channel count when `small` is [C,1,...,1] aligned at axis 1 of `big` ([N,C,...]), else 0. */
function channelOperand(small: readonly number[], big: readonly number[]): number {
  if (big.length < 3 || small.length < 2 || small.length > big.length) return 0;
  const lead = big.length - small.length;
  if (lead > 1) return 0;
  const dims = [...new Array<number>(lead).fill(1), ...small];
  const c = dims[1];
  return dims[0] === 1 && dims.slice(2).every((d) => d === 1) && c === big[1] ? c : 0;
}

function binary(op: keyof typeof OPS, inputs: KernelInputs, ctx: KernelContext): Value[] | undefined {
  const a = floatInput(inputs, 0);
  const b = floatInput(inputs, 1);
  if (!a || !b) return undefined;
  const same = a.dims.length === b.dims.length && a.dims.every((d, i) => d === b.dims[i]);
  // Before opset 7 broadcasting depends on attributes: only equal shapes here.
  if (!same && ctx.opset < 7) return undefined;
  let outDims: number[];
  try {
    outDims = same ? [...a.dims] : broadcastShapes(a.dims, b.dims);
  } catch {
    return undefined;
  }
  const size = shapeSize(outDims);
  const fills = (t: Tensor) => t.size === size && t.dims.length === outDims.length;
  const code = OPS[op];
  let run: ((aAt: number, bAt: number, yAt: number) => void) | undefined;
  if (fills(a) && fills(b)) run = (aAt, bAt, yAt) => binaryAll(code, aAt, 1, bAt, 1, yAt, size);
  else if (fills(a) && b.size === 1) run = (aAt, bAt, yAt) => binaryAll(code, aAt, 1, bAt, 0, yAt, size);
  else if (fills(b) && a.size === 1) run = (aAt, bAt, yAt) => binaryAll(code, aAt, 0, bAt, 1, yAt, size);
  else {
    const big = fills(a) ? a : fills(b) ? b : undefined;
    const small = big === a ? b : a;
    const channels = big ? channelOperand(small.dims, big.dims) : 0;
    if (!big || !channels) return undefined;
    const planes = big.dims[0] * channels;
    const plane = size / planes;
    run = (aAt, bAt, yAt) => (big === a ? channelBinaryAll(code, aAt, bAt, yAt, planes, channels, plane, false) : channelBinaryAll(code, bAt, aAt, yAt, planes, channels, plane, true));
  }
  ctx.checkAllocation('float32', size);
  return withScratch((scratch) => {
    const aAt = scratch.tensor(a);
    const bAt = scratch.tensor(b);
    const yAt = scratch.output(size);
    run(aAt, bAt, yAt);
    return [scratch.result(yAt, outDims)];
  });
}

function sum(inputs: KernelInputs): Value[] | undefined {
  const xs = inputs.map((_, i) => floatInput(inputs, i));
  const first = xs[0];
  if (!first || xs.some((x) => !x || x.dims.length !== first.dims.length || x.dims.some((d, i) => d !== first.dims[i]))) return undefined;
  return withScratch((scratch) => {
    const acc = scratch.output(first.size);
    // A single input is copied (an unbounded clamp keeps every value, NaN included).
    if (xs.length === 1) clampAll(scratch.tensor(first), acc, first.size, -Infinity, Infinity);
    xs.slice(1).forEach((x, i) => binaryAll(0, i ? acc : scratch.tensor(first), 1, scratch.tensor(x!), 1, acc, first.size));
    return [scratch.result(acc, first.dims)];
  });
}

export default [
  ...accelerate('Relu', (inputs) => {
    const x = floatInput(inputs, 0);
    return x && [clampTensor(x, 0, Infinity)];
  }),
  ...accelerate('Clip', (inputs, a, ctx) => {
    const x = floatInput(inputs, 0);
    if (!x) return undefined;
    if (ctx.opset < 11) return [clampTensor(x, a.min ?? -FLOAT32_MAX, a.max ?? FLOAT32_MAX)];
    const lo = bound(inputs, 1);
    const hi = bound(inputs, 2);
    if (lo === null || hi === null) return undefined;
    // lo > hi makes every element hi, which clamping with max then min gives.
    return [clampTensor(x, lo ?? -Infinity, hi ?? Infinity)];
  }),
  ...(Object.keys(OPS) as (keyof typeof OPS)[]).flatMap((op) => accelerate(op, (inputs, _a, ctx) => binary(op, inputs, ctx))),
  ...accelerate('Sum', (inputs) => sum(inputs)),
];
