import { FLOAT8_DTYPES, FLOAT_DTYPES, Tensor, attr, defineKernel, type KernelInputs } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';
import { Random } from '../sequence/random/prng.js';
import { optionalTensor, tensorInput } from '../tensor/args.js';
import { floatBuffer, floatTensor, floatValues } from './float-data.js';

const DTYPES = [...FLOAT_DTYPES, ...FLOAT8_DTYPES];

/** The mask of an inference-mode Dropout: every element kept (bool from opset 10, the data's type before). */
function keepAll(x: Tensor, opset: number): Tensor {
  if (opset >= 10) return new Tensor('bool', new Uint8Array(x.size).fill(1), x.dims);
  return floatTensor(x.type, floatBuffer(x.type, x.size).fill(1), x.dims);
}

/** The one value of an optional scalar input, or `fallback` when it is omitted. */
function scalarInput(inputs: KernelInputs, index: number, name: string, fallback: number): number {
  const t = optionalTensor('Dropout', inputs, index, name);
  if (!t) return fallback;
  if (t.size !== 1) throw new Error(`Dropout: ${name} must be a scalar, got [${t.dims.join(', ')}]`);
  return toNumbers(t)[0];
}

/**
 * Dropout. Up to opset 11 it runs as in inference: the output is the input and the mask keeps everything. From opset
 * 12, training_mode true drops each element with probability `ratio` and scales the rest by 1/(1-ratio); the
 * generator is seeded by `seed` when given and then draws the mask numpy's RandomState(seed).uniform would.
 */
export default [
  defineKernel({
    op: 'Dropout', since: 1, until: 11, dtypes: DTYPES,
    run: (inputs, _attrs, ctx) => {
      const x = tensorInput('Dropout', inputs, 0, 'data');
      return ctx.outputUsed[1] ? [x, keepAll(x, ctx.opset)] : [x];
    },
  }),
  defineKernel({
    op: 'Dropout', since: 12, dtypes: DTYPES,
    attrs: { seed: attr.int() },
    run: (inputs, { seed }, ctx) => {
      const x = tensorInput('Dropout', inputs, 0, 'data');
      const ratio = scalarInput(inputs, 1, 'ratio', 0.5);
      const training = scalarInput(inputs, 2, 'training_mode', 0) !== 0;
      if (!training || ratio === 0) return ctx.outputUsed[1] ? [x, keepAll(x, ctx.opset)] : [x];
      if (!(ratio > 0 && ratio < 1)) throw new Error(`Dropout: ratio must be in [0, 1), got ${ratio}`);
      const random = new Random(seed);
      const xs = floatValues(x);
      const y = floatBuffer(x.type, x.size);
      const mask = new Uint8Array(x.size);
      const scale = 1 / (1 - ratio);
      for (let i = 0; i < x.size; i++) {
        mask[i] = random.uniform() >= ratio ? 1 : 0;
        y[i] = mask[i] ? xs[i] * scale : 0;
      }
      const out = floatTensor(x.type, y, x.dims);
      return ctx.outputUsed[1] ? [out, new Tensor('bool', mask, x.dims)] : [out];
    },
  }),
];
