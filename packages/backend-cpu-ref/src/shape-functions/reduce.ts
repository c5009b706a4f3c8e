/** Shape functions of reductions: the reduced axes dropped, or kept as 1. */
import { attr, normalizeAxis, type ShapeFunction } from '@onnx-ts/core';
import { axesOf, each } from './common.js';

/** `inputFrom`: the opset from which the axes come from an input instead of an attribute. */
function reduceFacts(inputFrom: number): ShapeFunction {
  return (c) => {
    const x = c.input(0);
    const { keepdims, noop_with_empty_axes: noop } = c.attrs({ keepdims: attr.int(1), noop_with_empty_axes: attr.int(0) });
    const axes = axesOf(c, inputFrom);
    if (!x.shape || axes === undefined) return [{ type: x.type }];
    if (axes === null || axes.length === 0) {
      if (noop && c.opset >= inputFrom) return [{ type: x.type, shape: x.shape }];
      return [{ type: x.type, shape: keepdims ? x.shape.map(() => 1) : [] }];
    }
    const norm = axes.map((a) => normalizeAxis(a, x.shape!.length));
    const shape = keepdims ? x.shape.map((d, i) => (norm.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !norm.includes(i));
    return [{ type: x.type, shape }];
  };
}

const argFacts: ShapeFunction = (c) => {
  const x = c.input(0).shape;
  if (!x) return [{ type: 'int64' }];
  const { axis, keepdims } = c.attrs({ axis: attr.int(0), keepdims: attr.int(1) });
  const a = normalizeAxis(axis, x.length);
  return [{ type: 'int64', shape: keepdims ? x.map((d, i) => (i === a ? 1 : d)) : x.filter((_, i) => i !== a) }];
};

const AXES_AS_INPUT_FROM_18 = ['ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'];

export const reduceShapes: Record<string, ShapeFunction> = {
  ReduceSum: reduceFacts(13),
  ...each(AXES_AS_INPUT_FROM_18, reduceFacts(18)),
  ...each(['ArgMax', 'ArgMin'], argFacts),
};
