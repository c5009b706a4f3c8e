import { FLOAT_DTYPES, attr, defineKernel } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../../util/elementwise.js';
import { tensorInput } from '../../tensor/args.js';
import { dtypeAttribute } from '../inputs.js';
import { Random } from './prng.js';

/**
 * Multinomial: for each row of [batch, classes] unnormalized log-probabilities, `sample_size` class indices drawn
 * with probabilities softmax(row); seeded runs repeat, values differ from numpy's generator.
 */
export default [
  defineKernel({
    op: 'Multinomial', since: 7, dtypes: FLOAT_DTYPES,
    attrs: { dtype: attr.int(6), sample_size: attr.int(1), seed: attr.float() },
    run: (inputs, { dtype, sample_size: samples, seed }, ctx) => {
      const input = tensorInput('Multinomial', inputs, 0, 'input');
      const type = dtypeAttribute('Multinomial', dtype, 'dtype', ['int32', 'int64']);
      const [batch, classes] = input.dims;
      if (input.dims.length !== 2 || classes < 1) {
        throw new Error(`Multinomial: input must be [batch, classes] with classes >= 1, got [${input.dims.join(', ')}]`);
      }
      if (samples < 1) throw new Error(`Multinomial: sample_size must be positive, got ${samples}`);
      ctx.checkAllocation(type, batch * samples);
      const logits = toNumbers(input);
      const random = new Random(seed);
      const cumulative = new Float64Array(classes);
      const out = new Float64Array(batch * samples);
      for (let b = 0; b < batch; b++) {
        const row = logits.subarray(b * classes, (b + 1) * classes);
        const max = row.reduce((m, v) => Math.max(m, v), -Infinity);
        let total = 0;
        for (let c = 0; c < classes; c++) cumulative[c] = total += Math.exp(row[c] - max);
        if (!(total > 0 && Number.isFinite(total))) throw new Error(`Multinomial: row ${b} has no finite probabilities`);
        for (let s = 0; s < samples; s++) {
          const u = random.uniform() * total;
          let c = 0;
          while (c < classes - 1 && cumulative[c] <= u) c++;
          out[b * samples + s] = c;
        }
      }
      return [fromNumbers(type, out, [batch, samples])];
    },
  }),
];
