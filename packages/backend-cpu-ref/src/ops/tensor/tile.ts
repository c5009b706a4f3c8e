import { defineKernel, normalizeAxis, shapeSize, stridesOf, type KernelContext, type Tensor } from '@onnx-ts/core';
import { readIntList, readIntScalar, tensorInput } from './args.js';
import { gatherByAxisOffsets } from './layout.js';

/** Repeats `x` repeats[k] times along each axis k: output position i reads input position i mod dim. */
function tile(x: Tensor, repeats: readonly number[], ctx: KernelContext): Tensor {
  const rank = x.dims.length;
  if (repeats.length !== rank) throw new Error(`Tile: 'repeats' has ${repeats.length} values, the input has rank ${rank}`);
  if (repeats.some((r) => r < 0)) throw new Error(`Tile: 'repeats' [${repeats.join(', ')}] has a negative value`);
  const outDims = x.dims.map((d, k) => d * repeats[k]);
  ctx.checkAllocation(x.type, shapeSize(outDims));
  const strides = stridesOf(x.dims);
  const offsets = outDims.map((n, k) => Float64Array.from({ length: n }, (_, i) => (i % x.dims[k]) * strides[k]));
  return gatherByAxisOffsets(x, outDims, offsets);
}

export default [
  defineKernel({
    op: 'Tile', since: 1, until: 5,
    run: (inputs, _attrs, ctx) => {
      // Opset 1 repeats along one axis: inputs `tiles` and `axis` are scalars.
      const x = tensorInput('Tile', inputs, 0, 'input');
      const tiles = readIntScalar('Tile', tensorInput('Tile', inputs, 1, 'tiles'), 'tiles');
      const axis = normalizeAxis(readIntScalar('Tile', tensorInput('Tile', inputs, 2, 'axis'), 'axis'), x.dims.length);
      return [tile(x, x.dims.map((_, k) => (k === axis ? tiles : 1)), ctx)];
    },
  }),
  defineKernel({
    op: 'Tile', since: 6,
    run: (inputs, _attrs, ctx) => {
      const repeats = readIntList('Tile', tensorInput('Tile', inputs, 1, 'repeats'), 'repeats');
      return [tile(tensorInput('Tile', inputs, 0, 'input'), repeats, ctx)];
    },
  }),
];
