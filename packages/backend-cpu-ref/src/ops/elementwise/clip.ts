import { attr, defineKernel, describeValue, isTensor, type Tensor, type Value } from '@onnx-ts/core';
import { elementReader, mapUnary } from '../../util/elementwise.js';
import { FLOATS, NUMERIC, shapeText, tensorInputs } from './common.js';

/** min(max(x, lo), hi): when lo > hi every element becomes hi, as the spec says; NaN passes through. */
function clamp<T extends number | bigint>(lo: T | undefined, hi: T | undefined): (x: T) => T {
  return (x) => {
    const r = lo !== undefined && x < lo ? lo : x;
    return hi !== undefined && r > hi ? hi : r;
  };
}

function clip(x: Tensor, lo: number | bigint | undefined, hi: number | bigint | undefined): Tensor {
  const numeric = clamp(lo as number | undefined, hi as number | undefined);
  return mapUnary('Clip', x, { float: numeric, int: numeric, bigint: clamp(lo as bigint | undefined, hi as bigint | undefined) });
}

/** An optional bound input: absent, or a one-element tensor of x's type. */
function bound(x: Tensor, v: Value | undefined, name: string): number | bigint | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isTensor(v)) throw new Error(`Clip: ${name} must be a tensor, got ${describeValue(v)}`);
  if (v.type !== x.type) throw new Error(`Clip: ${name} has element type ${v.type}, expected ${x.type} like the input`);
  if (v.size !== 1) throw new Error(`Clip: ${name} must be a scalar, got shape ${shapeText(v.dims)}`);
  return elementReader(v)(0);
}

const FLOAT32_MAX = 3.4028234663852886e38;

export default [
  // Before opset 11 the bounds are attributes, defaulting to the float range.
  defineKernel({
    op: 'Clip', since: 1, until: 10, dtypes: FLOATS,
    attrs: { min: attr.float(-FLOAT32_MAX), max: attr.float(FLOAT32_MAX) },
    run: (inputs, { min, max }) => [clip(tensorInputs('Clip', inputs, 1)[0], min, max)],
  }),
  defineKernel({
    op: 'Clip', since: 11, dtypes: NUMERIC,
    run: (inputs) => {
      const [x] = tensorInputs('Clip', inputs, 1);
      return [clip(x, bound(x, inputs[1], 'min'), bound(x, inputs[2], 'max'))];
    },
  }),
];
