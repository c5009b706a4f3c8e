/** BatchNormalization in inference (a per-channel scale and shift), LRN, and Softmax/LogSoftmax over contiguous rows. */
import { shapeSize, type KernelContext, type KernelInputs, type Tensor, type Value } from '@onnx-ts/core';
import { withScratch, type Scratch } from '../runtime/call.js';
import { copiedConstant, packedConstant } from '../runtime/constants.js';
import { floatsOf } from '../runtime/resident.js';
import { wasmRuntime } from '../runtime/wasm.js';
import { accelerate, floatInput } from './accelerate.js';
import { channelAffineAll } from './parallel.js';

/**
 * The per-channel factor scale/√(variance + ε) of a BatchNormalization, in the heap; computed once per session when
 * both tensors are weights. The mean and bias are read as they are: (x - mean) · factor + bias is the spec's formula
 * in its order (folding mean into the shift loses precision where the output is near zero).
 */
function channelFactor(scale: Tensor<'float32'>, variance: Tensor<'float32'>, epsilon: number, scratch: Scratch): number {
  return packedConstant(`bn-factor ${epsilon}`, [variance, scale], variance.size * 4, scratch, (at) => {
    const s = floatsOf(scale);
    const v = floatsOf(variance);
    const factor = wasmRuntime().f32().subarray(at >> 2, (at >> 2) + v.length);
    for (let c = 0; c < v.length; c++) factor[c] = s[c] / Math.sqrt(v[c] + epsilon);
  });
}

function batchNorm(inputs: KernelInputs, epsilon: number, training: boolean): Value[] | undefined {
  const x = floatInput(inputs, 0);
  const params = [1, 2, 3, 4].map((i) => floatInput(inputs, i));
  if (!x || training || x.dims.length < 2 || x.size === 0) return undefined;
  const channels = x.dims[1];
  if (params.some((p) => !p || p.dims.length !== 1 || p.dims[0] !== channels)) return undefined;
  const planes = x.dims[0] * channels;
  return withScratch((scratch) => {
    const xAt = scratch.tensor(x);
    const yAt = scratch.output(x.size);
    const [scale, bias, mean, variance] = params as Tensor<'float32'>[];
    const factor = channelFactor(scale, variance, epsilon, scratch);
    channelAffineAll(xAt, yAt, planes, channels, x.size / planes, copiedConstant(mean, scratch), factor, copiedConstant(bias, scratch), -Infinity, Infinity);
    return [scratch.result(yAt, x.dims)];
  });
}

function lrn(inputs: KernelInputs, a: { alpha: number; beta: number; bias: number; size: number }): Value[] | undefined {
  const x = floatInput(inputs, 0);
  if (!x || x.dims.length < 2 || !(a.size >= 1) || x.size === 0) return undefined;
  const [batch, channels] = x.dims;
  const plane = shapeSize(x.dims.slice(2));
  return withScratch((scratch) => {
    const xAt = scratch.tensor(x);
    const yAt = scratch.output(x.size);
    wasmRuntime().exports.lrn(xAt, yAt, batch, channels, plane, a.size, a.alpha, a.beta, a.bias);
    return [scratch.result(yAt, x.dims)];
  });
}

/** Softmax rows: the axes from `axis` on before opset 13; from 13 only the last axis is handled here. */
function softmax(inputs: KernelInputs, axis: number, ctx: KernelContext, logarithm: boolean): Value[] | undefined {
  const x = floatInput(inputs, 0);
  if (!x || x.size === 0) return undefined;
  const rank = x.dims.length;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) return undefined;
  const first = axis < 0 ? axis + rank : axis;
  if (ctx.opset >= 13 && first !== rank - 1) return undefined;
  const cols = shapeSize(x.dims.slice(first));
  return withScratch((scratch) => {
    const xAt = scratch.tensor(x);
    const yAt = scratch.output(x.size);
    wasmRuntime().exports.softmaxRows(xAt, yAt, x.size / cols, cols, logarithm);
    return [scratch.result(yAt, x.dims)];
  });
}

export default [
  ...accelerate('BatchNormalization', (inputs, a, ctx) => {
    // Training (statistics outputs, training_mode) and the per-element mode (spatial 0) stay with the reference.
    const training = ctx.outputUsed.slice(1).some(Boolean) || (ctx.opset >= 14 && a.training_mode !== 0);
    if (a.spatial === 0) return undefined;
    return batchNorm(inputs, a.epsilon, training);
  }),
  ...accelerate('LRN', (inputs, a) => lrn(inputs, a)),
  ...accelerate('Softmax', (inputs, a, ctx) => softmax(inputs, a.axis, ctx, false)),
  ...accelerate('LogSoftmax', (inputs, a, ctx) => softmax(inputs, a.axis, ctx, true)),
];
