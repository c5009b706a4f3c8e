/**
 * Shape functions of the sequence ops. A sequence's facts say what holds for every element (`sequenceOf`): its type,
 * and the dims all elements share.
 */
import { attr, dtypeFromCode, normalizeAxis, type Dim, type ShapeContext, type ShapeFunction, type ValueFacts } from '@onnx-ts/core';
import { agreement, declaredOutput } from './common.js';

const sequenceOf = (elements: ValueFacts): ValueFacts => ({ sequenceOf: elements });

/** Element facts of sequence input i ({} when unknown). */
const elementsOf = (c: ShapeContext, i: number): ValueFacts => c.input(i).sequenceOf ?? {};

/** A tensor added to a sequence: the type is the sequence's, the dims those the tensor shares with the elements. */
function inserted(c: ShapeContext): ValueFacts[] {
  const tensor = c.input(1);
  const elements = c.input(0).sequenceOf;
  if (!elements) return [sequenceOf({ type: tensor.type })];
  return [sequenceOf({ ...agreement(elements, tensor), type: elements.type ?? tensor.type })];
}

/** The length of each piece along the split axis: known only when every piece has the same one. */
function pieceLength(c: ShapeContext, dim: Dim): Dim {
  const split = c.ints(1);
  if (!split || split.length === 0) return null;
  if (c.input(1).shape?.length === 0) return typeof dim === 'number' && dim % split[0] === 0 ? split[0] : null;
  return split.every((s) => s === split[0]) ? split[0] : null;
}

/** SplitToSequence: pieces of the input along `axis`; without `split`, pieces of length 1 (dropped unless keepdims). */
function splitToSequence(c: ShapeContext): ValueFacts[] {
  const x = c.input(0);
  if (!x.shape) return [sequenceOf({ type: x.type })];
  const a = c.attrs({ axis: attr.int(0), keepdims: attr.int(1) });
  const axis = normalizeAxis(a.axis, x.shape.length);
  if (!c.present(1) && a.keepdims === 0) return [sequenceOf({ type: x.type, shape: x.shape.filter((_, i) => i !== axis) })];
  const length = c.present(1) ? pieceLength(c, x.shape[axis]) : 1;
  return [sequenceOf({ type: x.type, shape: x.shape.map((d, i) => (i === axis ? length : d)) })];
}

/** ConcatFromSequence: the elements joined along `axis`, or stacked on a new axis there; the count is data. */
function concatFromSequence(c: ShapeContext): ValueFacts[] {
  const elements = elementsOf(c, 0);
  if (!elements.shape) return [{ type: elements.type }];
  const a = c.attrs({ axis: attr.int.required(), new_axis: attr.int(0) });
  const shape = elements.shape;
  if (a.new_axis) {
    const at = normalizeAxis(a.axis, shape.length + 1);
    return [{ type: elements.type, shape: [...shape.slice(0, at), null, ...shape.slice(at)] }];
  }
  const at = normalizeAxis(a.axis, shape.length);
  return [{ type: elements.type, shape: shape.map((d, i) => (i === at ? null : d)) }];
}

export const sequenceShapes: Record<string, ShapeFunction> = {
  SequenceEmpty: (c) => [sequenceOf({ type: dtypeFromCode(c.attrs({ dtype: attr.int(1) }).dtype) })],
  SequenceConstruct: (c) => [sequenceOf(c.node.inputs.map((_, i) => c.input(i)).reduce(agreement))],
  SequenceInsert: inserted,
  SequenceErase: (c) => [sequenceOf(elementsOf(c, 0))],
  SequenceAt: (c) => [elementsOf(c, 0)],
  SequenceLength: () => [{ type: 'int64', shape: [] }],
  SplitToSequence: splitToSequence,
  ConcatFromSequence: concatFromSequence,
  // Each output collects what the body makes of one element; a symbol the body declares may bind differently in
  // each iteration, so only fixed dims hold for all elements.
  SequenceMap: (c) => {
    const { body } = c.attrs({ body: attr.graph.required() });
    return c.node.outputs.map((_, i) => {
      const each = declaredOutput(body, i);
      return sequenceOf({ type: each.type, shape: each.shape?.map((d) => (typeof d === 'number' ? d : null)) });
    });
  },
};
