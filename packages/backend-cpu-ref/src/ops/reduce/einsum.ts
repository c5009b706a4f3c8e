/**
 * Einsum: a sum of products over labelled axes. The equation is parsed into label ids (letters in ASCII order, then
 * one id per broadcast '...' dim); every input gets one stride per label (a label repeated within an input adds its
 * strides, which walks the diagonal). The result walks output labels outside and summed labels inside.
 */
import { NUMERIC_DTYPES, attr, defineKernel, shapeSize, stridesOf, type KernelContext, type Tensor } from '@onnx-ts/core';
import { requireTensor } from './inputs.js';
import { stridedOffsets } from './layout.js';
import { allocNumeric, arithFor, numericTensor, readNumeric, type Arith, type Buffer } from './numeric.js';

const LETTERS = 52;
const ELLIPSIS = -1;

/** A term's labels as written: letter ids, with ELLIPSIS where '...' stands. */
function parseTerm(term: string, equation: string): number[] {
  const labels: number[] = [];
  for (let i = 0; i < term.length; i++) {
    const c = term[i];
    if (c === '.') {
      if (term.slice(i, i + 3) !== '...' || labels.includes(ELLIPSIS)) {
        throw new Error(`Einsum: equation '${equation}' has a malformed ellipsis in term '${term}'`);
      }
      labels.push(ELLIPSIS);
      i += 2;
    } else if (c >= 'A' && c <= 'Z') labels.push(c.charCodeAt(0) - 65);
    else if (c >= 'a' && c <= 'z') labels.push(26 + c.charCodeAt(0) - 97);
    else throw new Error(`Einsum: equation '${equation}' has an invalid character '${c}'`);
  }
  return labels;
}

/** Replaces ELLIPSIS by the ids of the trailing `count` of `broadcastRank` broadcast dims. */
function expandEllipsis(labels: number[], count: number, broadcastRank: number): number[] {
  const at = labels.indexOf(ELLIPSIS);
  if (at < 0) return labels;
  const dims = Array.from({ length: count }, (_, j) => LETTERS + broadcastRank - count + j);
  return [...labels.slice(0, at), ...dims, ...labels.slice(at + 1)];
}

interface Plan {
  outLabels: number[];
  sumLabels: number[];
  sizes: number[];
  /** Per input, per label id: the input offset one step of that label moves (0 when broadcast). */
  strides: number[][];
}

function plan(equation: string, inputs: readonly Tensor[]): Plan {
  const eq = equation.replace(/\s+/g, '');
  const sides = eq.split('->');
  if (sides.length > 2) throw new Error(`Einsum: equation '${equation}' has more than one '->'`);
  const terms = sides[0].split(',');
  if (terms.length !== inputs.length) {
    throw new Error(`Einsum: equation '${equation}' has ${terms.length} input terms but the node has ${inputs.length} inputs`);
  }
  const written = terms.map((t) => parseTerm(t, equation));
  const ellipsisRanks = written.map((labels, i) => {
    const letters = labels.filter((l) => l !== ELLIPSIS).length;
    const rank = inputs[i].dims.length;
    const fits = labels.includes(ELLIPSIS) ? rank >= letters : rank === letters;
    if (!fits) throw new Error(`Einsum: term '${terms[i]}' does not match input ${i} of rank ${rank}`);
    return rank - letters;
  });
  const broadcastRank = Math.max(0, ...ellipsisRanks);
  const axisLabels = written.map((labels, i) => expandEllipsis(labels, ellipsisRanks[i], broadcastRank));

  const sizes = new Array<number>(LETTERS + broadcastRank).fill(-1);
  const uses = new Array<number>(sizes.length).fill(0);
  axisLabels.forEach((labels, i) => {
    labels.forEach((l, axis) => {
      const d = inputs[i].dims[axis];
      uses[l]++;
      if (sizes[l] === -1 || (l >= LETTERS && sizes[l] === 1)) sizes[l] = d;
      else if (d !== sizes[l] && !(l >= LETTERS && d === 1)) {
        const name = l >= LETTERS ? "a '...' dimension" : `label '${labelChar(l)}'`;
        throw new Error(`Einsum: ${name} has size ${sizes[l]} elsewhere but ${d} in input ${i}`);
      }
    });
  });

  let outLabels: number[];
  if (sides.length === 2) {
    const out = parseTerm(sides[1], equation);
    outLabels = expandEllipsis(out, broadcastRank, broadcastRank);
    for (const l of outLabels) {
      if (l < LETTERS && uses[l] === 0) throw new Error(`Einsum: output label '${labelChar(l)}' appears in no input`);
    }
    if (new Set(outLabels).size !== outLabels.length) throw new Error(`Einsum: output term '${sides[1]}' repeats a label`);
  } else {
    // Implicit output: the broadcast dims, then the letters used exactly once, in ASCII order.
    const once = uses.map((n, l) => (l < LETTERS && n === 1 ? l : -1)).filter((l) => l >= 0);
    outLabels = [...Array.from({ length: broadcastRank }, (_, j) => LETTERS + j), ...once];
  }
  const sumLabels = uses.map((n, l) => (n > 0 && !outLabels.includes(l) ? l : -1)).filter((l) => l >= 0);

  const strides = axisLabels.map((labels, i) => {
    const own = stridesOf(inputs[i].dims);
    const perLabel = new Array<number>(sizes.length).fill(0);
    labels.forEach((l, axis) => {
      if (inputs[i].dims[axis] !== 1) perLabel[l] += own[axis];
    });
    return perLabel;
  });
  return { outLabels, sumLabels, sizes: sizes.map((s) => (s < 0 ? 1 : s)), strides };
}

function labelChar(l: number): string {
  return String.fromCharCode(l < 26 ? 65 + l : 97 + l - 26);
}

function contract<T>(
  p: Plan,
  inputs: readonly ArrayLike<T>[],
  out: Buffer<T>,
  arith: Arith<T>,
  checkAllocation: KernelContext['checkAllocation'],
): void {
  const outSizes = p.outLabels.map((l) => p.sizes[l]);
  const sumSizes = p.sumLabels.map((l) => p.sizes[l]);
  const sumCount = shapeSize(sumSizes);
  // Offset tables: per input, one entry per output element and one per summed combination.
  checkAllocation('int32', (out.length + sumCount) * inputs.length);
  const outOffsets = p.strides.map((s) => stridedOffsets(outSizes, p.outLabels.map((l) => s[l])));
  const sumOffsets = p.strides.map((s) => stridedOffsets(sumSizes, p.sumLabels.map((l) => s[l])));
  for (let o = 0; o < out.length; o++) {
    let acc = arith.zero;
    for (let s = 0; s < sumCount; s++) {
      let product = arith.one;
      for (let i = 0; i < inputs.length; i++) product = arith.mul(product, inputs[i][outOffsets[i][o] + sumOffsets[i][s]]);
      acc = arith.add(acc, product);
    }
    out[o] = acc;
  }
}

function einsum(equation: string, inputs: readonly Tensor[], ctx: KernelContext): Tensor {
  if (inputs.length === 0) throw new Error('Einsum: needs at least one input');
  const type = inputs[0].type;
  inputs.forEach((t, i) => {
    if (t.type !== type) throw new Error(`Einsum: input ${i} is ${t.type} but input 0 is ${type}; they must match`);
  });
  const p = plan(equation, inputs);
  const outDims = p.outLabels.map((l) => p.sizes[l]);
  const size = shapeSize(outDims);
  ctx.checkAllocation(type, size);
  const out = allocNumeric(type, size);
  const data = inputs.map(readNumeric);
  const kind = data[0].kind;
  if (kind === 'bigint') {
    contract(p, data.map((d) => d.values as BigInt64Array), out as BigInt64Array, arithFor('bigint'), ctx.checkAllocation);
  } else {
    contract(p, data.map((d) => d.values as Float64Array), out as Float64Array, arithFor(kind), ctx.checkAllocation);
  }
  return numericTensor(type, out, outDims);
}

export default [
  defineKernel({
    op: 'Einsum',
    since: 12,
    dtypes: NUMERIC_DTYPES,
    attrs: { equation: attr.string.required() },
    run: (inputs, { equation }, ctx) => [einsum(equation, inputs.map((v, i) => requireTensor('Einsum', v, `Inputs[${i}]`)), ctx)],
  }),
];
