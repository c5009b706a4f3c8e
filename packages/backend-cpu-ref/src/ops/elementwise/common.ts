/** Type lists and kernel builders shared by the elementwise ops: most of them differ only in their element function. */
import {
  FLOAT_DTYPES, INT_DTYPES, NUMERIC_DTYPES, attr, defineKernel, describeValue, isTensor, sameShape,
  type AttrSchema, type AttrValues, type DType, type KernelInputs, type KernelSpec, type Tensor,
} from '@onnx-ts/core';
import { mapBroadcast, mapUnary, type ElementFns } from '../../util/elementwise.js';

export const FLOATS = FLOAT_DTYPES;
export const INTS = INT_DTYPES;
export const NUMERIC = NUMERIC_DTYPES;
export const SIGNED_INTS: readonly DType[] = ['int8', 'int16', 'int32', 'int64'];
export const UNSIGNED_INTS: readonly DType[] = ['uint8', 'uint16', 'uint32', 'uint64'];
export const SIGNED_NUMERIC: readonly DType[] = [...FLOATS, ...SIGNED_INTS];

/** A shape as error messages print it: "[2, 3]". */
export const shapeText = (dims: readonly number[]): string => `[${dims.join(', ')}]`;

/** The first `count` inputs, each required to be a tensor. */
export function tensorInputs(op: string, inputs: KernelInputs, count: number): Tensor[] {
  const out: Tensor[] = [];
  for (let i = 0; i < count; i++) {
    const v = inputs[i];
    if (!isTensor(v)) throw new Error(`${op}: input ${i} must be a tensor, got ${v === undefined ? 'nothing' : describeValue(v)}`);
    out.push(v);
  }
  return out;
}

/** A unary op: y = f(x) elementwise, same type. */
export function unaryKernel(op: string, since: number, dtypes: readonly DType[], fns: ElementFns): KernelSpec<any> {
  return defineKernel({
    op, since, dtypes,
    run: (inputs) => [mapUnary(op, tensorInputs(op, inputs, 1)[0], fns)],
  });
}

/** A unary op defined on float tensors only. */
export function floatUnaryKernel(op: string, since: number, fn: (x: number) => number): KernelSpec<any> {
  return unaryKernel(op, since, FLOATS, { float: fn });
}

/** A float op with attributes, such as an activation: `make` turns the node's attribute values into y = f(x). */
export function floatUnaryWithAttrs<S extends AttrSchema>(
  op: string, since: number, attrs: S, make: (values: AttrValues<S>) => (x: number) => number, dtypes: readonly DType[] = FLOATS,
): KernelSpec<any> {
  return defineKernel({
    op, since, dtypes, attrs,
    run: (inputs, values) => [mapUnary(op, tensorInputs(op, inputs, 1)[0], { float: make(values) })],
  });
}

/**
 * Opset 1-6 broadcasting: only with `broadcast` set, B is broadcast to A's shape, its dims lined up with A's from
 * `axis` (by default, with A's trailing dims). Returns B reshaped to A's rank so numpy broadcasting does the rest.
 */
function alignLegacy(op: string, a: Tensor, b: Tensor, broadcast: number, axis: number | undefined): Tensor {
  if (!broadcast) {
    if (!sameShape(a.dims, b.dims)) {
      throw new Error(`${op}: without broadcast=1 both inputs need the same shape, got ${shapeText(a.dims)} and ${shapeText(b.dims)}`);
    }
    return b;
  }
  const rank = a.dims.length;
  const start = axis === undefined ? rank - b.dims.length : axis < 0 ? axis + rank : axis;
  const fits = start >= 0 && start + b.dims.length <= rank && b.dims.every((d, i) => d === 1 || d === a.dims[start + i]);
  if (!fits) {
    throw new Error(`${op}: B of shape ${shapeText(b.dims)} cannot be broadcast to A of shape ${shapeText(a.dims)} at axis ${axis ?? start}`);
  }
  const ones = (n: number): number[] => new Array<number>(n).fill(1);
  return b.reshape([...ones(start), ...b.dims, ...ones(rank - start - b.dims.length)]);
}

/** Combines two broadcastable tensors into one. */
export type BinaryCombine = (a: Tensor, b: Tensor) => Tensor;

/** The combine of a binary op whose inputs share one numeric type: `fns` per element, output type `outType`. */
export function elementwiseCombine(op: string, fns: ElementFns, outType?: DType): BinaryCombine {
  return (a, b) => mapBroadcast(op, [a, b], fns, outType);
}

export interface BinaryOptions {
  /** First opset of the op. */
  since: number;
  dtypes: readonly DType[];
  /** Last opset in which the op broadcast through its `broadcast`/`axis` attributes, when it ever did. */
  legacyUntil?: number;
}

/** A binary op with multidirectional broadcasting, plus its attribute-driven broadcasting of opsets 1-6. */
export function binaryKernels(
  op: string, combine: BinaryCombine, { since, dtypes, legacyUntil }: BinaryOptions,
): KernelSpec<any>[] {
  const modern = defineKernel({
    op, since: legacyUntil === undefined ? since : legacyUntil + 1, dtypes,
    run: (inputs) => {
      const [a, b] = tensorInputs(op, inputs, 2);
      return [combine(a, b)];
    },
  });
  if (legacyUntil === undefined) return [modern];
  const legacy = defineKernel({
    op, since, until: legacyUntil, dtypes,
    attrs: { broadcast: attr.int(0), axis: attr.int() },
    run: (inputs, { broadcast, axis }) => {
      const [a, b] = tensorInputs(op, inputs, 2);
      return [combine(a, alignLegacy(op, a, b, broadcast, axis))];
    },
  });
  return [legacy, modern];
}

/**
 * Max/Min/Sum/Mean: any number of inputs, combined elementwise by `fns`; before opset 8 all inputs must share one
 * shape, from 8 they broadcast.
 */
export function variadicKernels(op: string, fns: ElementFns, dtypes: readonly DType[]): KernelSpec<any>[] {
  const gather = (inputs: KernelInputs): Tensor[] => {
    if (inputs.length === 0) throw new Error(`${op}: expected at least one input, got none`);
    return tensorInputs(op, inputs, inputs.length);
  };
  return [
    defineKernel({
      op, since: 1, until: 7, dtypes,
      run: (inputs) => {
        const tensors = gather(inputs);
        const mismatch = tensors.find((t) => !sameShape(t.dims, tensors[0].dims));
        if (mismatch) {
          throw new Error(`${op}: before opset 8 all inputs need the same shape, got ${shapeText(tensors[0].dims)} and ${shapeText(mismatch.dims)}`);
        }
        return [mapBroadcast(op, tensors, fns)];
      },
    }),
    defineKernel({ op, since: 8, dtypes, run: (inputs) => [mapBroadcast(op, gather(inputs), fns)] }),
  ];
}
