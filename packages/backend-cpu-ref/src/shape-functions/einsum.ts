/** Shape function of Einsum: each output label takes the dim its inputs give it, the ellipsis the broadcast of theirs. */
import { attr, broadcastDims, type Dim, type ShapeFunction } from '@onnx-ts/core';

const ELLIPSIS = '...';

/** A term's labels, the ellipsis kept as one entry. */
const labelsOf = (term: string): string[] => term.replace(ELLIPSIS, '.').split('').map((l) => (l === '.' ? ELLIPSIS : l));

export const einsum: ShapeFunction = (c) => {
  const type = c.input(0).type;
  const equation = c.attrs({ equation: attr.string.required() }).equation.replace(/\s/g, '');
  const [lhs, rhs] = equation.split('->');
  const terms = lhs.split(',').map(labelsOf);
  if (terms.length !== c.node.inputs.length) return [{ type }];
  const dimsOf = new Map<string, Dim[]>();
  const ellipses: Dim[][] = [];
  for (let t = 0; t < terms.length; t++) {
    const shape = c.input(t).shape;
    if (!shape) return [{ type }];
    const labels = terms[t];
    const spread = shape.length - (labels.length - (labels.includes(ELLIPSIS) ? 1 : 0));
    if (spread < 0 || (spread > 0 && !labels.includes(ELLIPSIS))) return [{ type }];
    let at = 0;
    for (const label of labels) {
      if (label === ELLIPSIS) {
        ellipses.push(shape.slice(at, at + spread));
        at += spread;
      } else {
        dimsOf.set(label, [...(dimsOf.get(label) ?? []), shape[at++]]);
      }
    }
  }
  const ellipsis = broadcastDims(ellipses);
  if (!ellipsis) return [{ type }];
  // Without '->' the output is the ellipsis, then the labels used once, in alphabetical order.
  const output = rhs !== undefined
    ? labelsOf(rhs)
    : [...(ellipses.length ? [ELLIPSIS] : []), ...[...dimsOf.keys()].filter((l) => lhs.split(l).length === 2).sort()];
  const shape = output.flatMap((label): Dim[] => {
    if (label === ELLIPSIS) return ellipsis;
    const dims = dimsOf.get(label) ?? [null];
    return [dims.every((d) => d === dims[0]) ? dims[0] : null];
  });
  return [{ type, shape }];
};
