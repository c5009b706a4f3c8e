/** BatchNormalization in inference (a per-channel scale and shift), LRN, and Softmax/LogSoftmax over contiguous rows. */
import { shapeSize, type KernelContext, type KernelInputs, type Value } from '@onnx-ts/core';
import { readFloats, withScratch } from '../runtime/call.js';
import { wasmRuntime } from '../runtime/wasm.js';
import { accelerate, floatInput, floatTensor } from './accelerate.js';
import { channelAffineAll } from './parallel.js';

function batchNorm(inputs: KernelInputs, epsilon: number, training: boolean): Value[] | undefined {
  const x = floatInput(inputs, 0);
  const params = [1, 2, 3, 4].map((i) => floatInput(inputs, i));
  if (!x || training || x.dims.length < 2 || x.size === 0) return undefined;
  const channels = x.dims[1];
  if (params.some((p) => !p || p.dims.length !== 1 || p.dims[0] !== channels)) return undefined;
  const [scale, bias, mean, variance] = params.map((p) => p!.data);
  // (x - mean) · factor + bias, in the order of the spec's formula (folding mean into the shift loses precision
  // where the output is near zero).
  const factor = new Float32Array(channels);
  for (let c = 0; c < channels; c++) factor[c] = scale[c] / Math.sqrt(variance[c] + epsilon);
  const planes = x.dims[0] * channels;
  const out = withScratch((scratch) => {
    const xAt = scratch.input(x.data);
    channelAffineAll(xAt, xAt, planes, channels, x.size / planes, scratch.input(mean), scratch.input(factor), scratch.input(bias), -Infinity, Infinity);
    return readFloats(xAt, x.size);
  });
  return [floatTensor(out, x.dims)];
}

function lrn(inputs: KernelInputs, a: { alpha: number; beta: number; bias: number; size: number }): Value[] | undefined {
  const x = floatInput(inputs, 0);
  if (!x || x.dims.length < 2 || !(a.size >= 1) || x.size === 0) return undefined;
  const [batch, channels] = x.dims;
  const plane = shapeSize(x.dims.slice(2));
  const out = withScratch((scratch) => {
    const xAt = scratch.input(x.data);
    const yAt = scratch.alloc(x.size * 4);
    wasmRuntime().exports.lrn(xAt, yAt, batch, channels, plane, a.size, a.alpha, a.beta, a.bias);
    return readFloats(yAt, x.size);
  });
  return [floatTensor(out, x.dims)];
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
  const out = withScratch((scratch) => {
    const xAt = scratch.input(x.data);
    wasmRuntime().exports.softmaxRows(xAt, xAt, x.size / cols, cols, logarithm);
    return readFloats(xAt, x.size);
  });
  return [floatTensor(out, x.dims)];
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
