/** Pieces the shape functions of several op families share. */
import { attr, typeFacts, type Dim, type DType, type Graph, type ShapeContext, type ShapeFunction, type ValueFacts } from '@onnx-ts/core';

/** Output 0 has the type and shape of input 0. */
export const same: ShapeFunction = (c) => [{ type: c.input(0).type, shape: c.input(0).shape }];

/** Output 0 is input 0 itself: every fact carries over (tracked values, sequence elements). */
export const passThrough: ShapeFunction = (c) => [{ ...c.input(0) }];

/** Output 0 has the shape of input 0 and a fixed element type. */
export function sameShapeAs(type: DType): ShapeFunction {
  return (c) => [{ type, shape: c.input(0).shape }];
}

/** The same shape function for each listed op. */
export function each(ops: readonly string[], fn: ShapeFunction): Record<string, ShapeFunction> {
  return Object.fromEntries(ops.map((op) => [op, fn]));
}

/** Axes from the attribute (before `inputFrom`) or from input `inputIndex`; null when none are given, undefined when not known. */
export function axesOf(c: ShapeContext, inputFrom: number, inputIndex = 1): number[] | null | undefined {
  if (c.opset < inputFrom) return c.attrs({ axes: attr.ints() }).axes ?? null;
  if (!c.present(inputIndex)) return null;
  return c.ints(inputIndex);
}

/** Facts of a tensor whose rank is known but not its dims. */
export function unknownDims(type: DType | undefined, rank: number | undefined): ValueFacts {
  return { type, shape: rank === undefined ? undefined : new Array(rank).fill(null) };
}

/**
 * The facts two values share: the type when equal, dims where equal (null elsewhere), a rank only when equal, and
 * for sequences what their elements share.
 */
export function agreement(a: ValueFacts, b: ValueFacts): ValueFacts {
  if (a.sequenceOf && b.sequenceOf) return { sequenceOf: agreement(a.sequenceOf, b.sequenceOf) };
  const type = a.type === b.type ? a.type : undefined;
  if (!a.shape || !b.shape || a.shape.length !== b.shape.length) return { type };
  return { type, shape: a.shape.map((d, i): Dim => (d === b.shape![i] ? d : null)) };
}

/** What a subgraph declares for its output i. */
export const declaredOutput = (g: Graph, i: number): ValueFacts => typeFacts(g.outputs[i]?.type);
