import {
  FLOAT_DTYPES, attr, defineKernel, shapeSize, stridesOf, type KernelContext, type KernelInputs, type Tensor,
} from '@onnx-ts/core';
import { fromNumbers } from '../../util/elementwise.js';
import { normalizeAxes, optionalTensor, readIntList, tensorInput } from './args.js';
import { gatherByAxisOffsets } from './layout.js';

type PadMode = 'constant' | 'reflect' | 'edge' | 'wrap';
const MODES: readonly string[] = ['constant', 'reflect', 'edge', 'wrap'];

/** Position in [0, n) that a padded position i (which may be outside it) reads, for the non-constant modes. */
function sourcePosition(mode: Exclude<PadMode, 'constant'>, i: number, n: number): number {
  const mod = (a: number, m: number): number => ((a % m) + m) % m;
  switch (mode) {
    case 'edge': return Math.min(n - 1, Math.max(0, i));
    case 'wrap': return mod(i, n);
    case 'reflect': {
      // Mirror without repeating the edge: the pattern has period 2(n-1).
      if (n === 1) return 0;
      const m = mod(i, 2 * (n - 1));
      return m < n ? m : 2 * (n - 1) - m;
    }
  }
}

/**
 * Pads (or, with negative pads, crops) `x`. pads lists the begin amounts of every padded axis, then the end amounts.
 * Cropping happens first, so reflect/edge/wrap read from the cropped data.
 */
function pad(
  x: Tensor, pads: readonly number[], axesIn: readonly number[] | undefined, modeIn: string, fill: Tensor | undefined,
  ctx: KernelContext,
): Tensor {
  if (!MODES.includes(modeIn)) throw new Error(`Pad: mode '${modeIn}' is not one of ${MODES.join(', ')}`);
  const mode = modeIn as PadMode;
  const rank = x.dims.length;
  const axes = normalizeAxes('Pad', axesIn ?? x.dims.map((_, i) => i), rank);
  if (pads.length !== 2 * axes.length) {
    throw new Error(`Pad: 'pads' has ${pads.length} values, expected ${2 * axes.length} (begin and end for ${axes.length} axes)`);
  }
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  axes.forEach((a, i) => {
    begin[a] = pads[i];
    end[a] = pads[i + axes.length];
  });
  const strides = stridesOf(x.dims);
  const outDims = x.dims.map((d, k) => d + begin[k] + end[k]);
  if (outDims.some((d) => d < 0)) throw new Error(`Pad: pads [${pads.join(', ')}] crop more than the shape [${x.dims.join(', ')}]`);
  ctx.checkAllocation(x.type, shapeSize(outDims));
  const offsets = outDims.map((outDim, k) => {
    const lo = Math.max(0, -begin[k]);
    const kept = x.dims[k] - lo - Math.max(0, -end[k]);
    const before = Math.max(0, begin[k]);
    const positions = new Float64Array(outDim);
    if (mode !== 'constant' && kept === 0 && outDim > 0) {
      throw new Error(`Pad: axis ${k} is empty, so mode '${mode}' has nothing to pad it with`);
    }
    for (let o = 0; o < outDim; o++) {
      const i = o - before;
      if (i >= 0 && i < kept) positions[o] = (lo + i) * strides[k];
      else positions[o] = mode === 'constant' ? -1 : (lo + sourcePosition(mode, i, kept)) * strides[k];
    }
    return positions;
  });
  return gatherByAxisOffsets(x, outDims, offsets, { fill });
}

function fillFromInput(x: Tensor, inputs: KernelInputs): Tensor | undefined {
  const value = optionalTensor('Pad', inputs, 2, 'constant_value');
  if (!value || value.size === 0) return undefined;
  if (value.type !== x.type) throw new Error(`Pad: 'constant_value' is ${value.type}, the data is ${x.type}`);
  if (value.size !== 1) throw new Error(`Pad: 'constant_value' must be a scalar, got shape [${value.dims.join(', ')}]`);
  return value;
}

export default [
  defineKernel({
    // Opset 1 named the attribute `paddings`, opset 2 `pads`.
    op: 'Pad', since: 1, until: 10, dtypes: FLOAT_DTYPES,
    attrs: { pads: attr.ints(), paddings: attr.ints(), mode: attr.string('constant'), value: attr.float(0) },
    run: (inputs, { pads, paddings, mode, value }, ctx) => {
      const x = tensorInput('Pad', inputs, 0, 'data');
      const amounts = pads ?? paddings;
      if (!amounts) throw new Error(`Pad: attribute 'pads' is missing`);
      return [pad(x, amounts, undefined, mode, fromNumbers(x.type, [value], []), ctx)];
    },
  }),
  defineKernel({
    op: 'Pad', since: 11,
    attrs: { mode: attr.string('constant') },
    run: (inputs, { mode }, ctx) => {
      const x = tensorInput('Pad', inputs, 0, 'data');
      const pads = readIntList('Pad', tensorInput('Pad', inputs, 1, 'pads'), 'pads');
      const axes = optionalTensor('Pad', inputs, 3, 'axes');
      return [pad(x, pads, axes && readIntList('Pad', axes, 'axes'), mode, fillFromInput(x, inputs), ctx)];
    },
  }),
];
