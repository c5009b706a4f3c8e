/** MaxPool (without the Indices output), AveragePool and the global poolings on float32 NCHW, one plane per tile. */
import { shapeSize, type KernelContext, type Tensor, type Value } from '@onnx-ts/core';
import { withScratch, writeJob } from '../runtime/call.js';
import { activeThreads, runJob } from '../runtime/pool.js';
import { accelerate, floatInput } from './accelerate.js';
import { paddedPlane, planeGeometry, type Plane, type WindowAttributes } from './geometry.js';

const MAX = 0, AVERAGE = 1, AVERAGE_WITH_PADS = 2;

function pool(x: Tensor<'float32'>, g: Plane, mode: number, ctx: KernelContext): Value[] {
  const planes = x.dims[0] * x.dims[1];
  const outDims = [x.dims[0], x.dims[1], ...(x.dims.length === 4 ? [g.outH, g.outW] : [g.outW])];
  const outSize = shapeSize(outDims);
  ctx.checkAllocation('float32', outSize);
  return withScratch((scratch) => {
    const xAt = scratch.tensor(x);
    const yAt = scratch.output(outSize);
    // Each thread copies a plane into a buffer with the padding filled in.
    const { rows: paddedH, cols: paddedW } = paddedPlane(g);
    const threads = outSize * g.kh * g.kw > 1 << 16 ? activeThreads() : 1;
    const scratchStride = Math.ceil((g.outW * 4) / 64) * 64 + paddedH * paddedW * 4;
    const buffers = scratch.alloc(scratchStride * threads);
    const job = writeJob([0, planes, x.dims[1], g.H, g.W, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, g.outH, g.outW,
      xAt, 0, 0, yAt, 0, 0, mode, g.phEnd, g.pwEnd, paddedH, paddedW, buffers, scratchStride]);
    runJob('poolJob', job, threads);
    return [scratch.result(yAt, outDims)];
  });
}

interface PoolAttributes extends WindowAttributes {
  kernel_shape: number[];
  ceil_mode?: number;
  storage_order?: number;
  count_include_pad?: number;
}

function windowed(mode: (a: PoolAttributes) => number) {
  return (inputs: readonly unknown[], a: PoolAttributes, ctx: KernelContext): Value[] | undefined => {
    const x = floatInput(inputs as never, 0);
    if (!x || (x.dims.length !== 3 && x.dims.length !== 4) || x.size === 0) return undefined;
    if (ctx.outputUsed[1]) return undefined;
    const g = planeGeometry(x.dims.slice(2), a.kernel_shape, a, (a.ceil_mode ?? 0) !== 0);
    return g && pool(x, g, mode(a), ctx);
  };
}

function global(mode: number) {
  return (inputs: readonly unknown[], _a: unknown, ctx: KernelContext): Value[] | undefined => {
    const x = floatInput(inputs as never, 0);
    if (!x || (x.dims.length !== 3 && x.dims.length !== 4) || x.size === 0) return undefined;
    const spatial = x.dims.slice(2);
    const g = planeGeometry(spatial, spatial, { auto_pad: 'VALID' });
    return g && pool(x, g, mode, ctx);
  };
}

export default [
  ...accelerate('MaxPool', windowed(() => MAX)),
  ...accelerate('AveragePool', windowed((a) => (a.count_include_pad ? AVERAGE_WITH_PADS : AVERAGE))),
  ...accelerate('GlobalMaxPool', global(MAX)),
  ...accelerate('GlobalAveragePool', global(AVERAGE)),
];
