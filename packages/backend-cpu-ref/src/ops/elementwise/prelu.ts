import { broadcastShapes, defineKernel, sameShape, type Tensor } from '@onnx-ts/core';
import { mapBroadcast, type ElementFns } from '../../util/elementwise.js';
import { shapeText, tensorInputs } from './common.js';

const prelu: ElementFns = {
  float: (x, slope) => (x < 0 ? slope * x : x),
  int: (x, slope) => (x < 0 ? Math.imul(slope, x) : x),
  bigint: (x, slope) => (x < 0n ? slope * x : x),
};

const DTYPES = ['float32', 'float64', 'float16', 'bfloat16', 'int32', 'int64', 'uint32', 'uint64'] as const;

/** Slope broadcasts to X only (unidirectionally): the output keeps X's shape. */
function unidirectional(x: Tensor, slope: Tensor): Tensor {
  const dims = broadcastShapes(x.dims, slope.dims);
  if (!sameShape(dims, x.dims)) {
    throw new Error(`PRelu: slope of shape ${shapeText(slope.dims)} does not broadcast to X of shape ${shapeText(x.dims)}`);
  }
  return mapBroadcast('PRelu', [x, slope], prelu);
}

export default [
  // Opsets 1-6 describe the slope as one value or one per channel (axis 1).
  defineKernel({
    op: 'PRelu', since: 1, until: 6, dtypes: DTYPES,
    run: (inputs) => {
      const [x, slope] = tensorInputs('PRelu', inputs, 2);
      const rank = x.dims.length;
      const perChannel = slope.dims.length === 1 && rank > 2 && slope.size === x.dims[1] && slope.size !== x.dims[rank - 1];
      const aligned = perChannel ? slope.reshape([slope.size, ...new Array<number>(rank - 2).fill(1)]) : slope;
      return [unidirectional(x, aligned)];
    },
  }),
  defineKernel({
    op: 'PRelu', since: 7, dtypes: DTYPES,
    run: (inputs) => {
      const [x, slope] = tensorInputs('PRelu', inputs, 2);
      return [unidirectional(x, slope)];
    },
  }),
];
