import { attr, defineKernel } from '@onnx-ts/core';
import { FEATURE_DTYPES, ML_DOMAIN, featureRows, float32Tensor, tensorInput } from './common.js';

const OP = 'FeatureVectorizer';

/**
 * Concatenates the inputs' feature columns into one float row per batch entry. Input i contributes
 * inputdimensions[i] columns: extra columns are dropped, missing ones are zero.
 */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: FEATURE_DTYPES,
    attrs: { inputdimensions: attr.ints([]) },
    run: (inputs, { inputdimensions }) => {
      const parts = inputs.map((v, i) => featureRows(OP, tensorInput(OP, v, `X[${i}]`)));
      if (parts.length === 0) throw new Error(`${OP}: at least one input is required`);
      if (inputdimensions.length > 0 && inputdimensions.length !== parts.length) {
        throw new Error(`${OP}: inputdimensions has ${inputdimensions.length} entries for ${parts.length} inputs`);
      }
      const widths = parts.map((p, i) => inputdimensions[i] ?? p.cols);
      const rows = parts[0].rows;
      parts.forEach((p, i) => {
        if (p.rows !== rows) throw new Error(`${OP}: input ${i} has ${p.rows} rows, input 0 has ${rows}`);
        if (!(widths[i] >= 0)) throw new Error(`${OP}: inputdimensions[${i}] is ${widths[i]}`);
      });
      const total = widths.reduce((a, b) => a + b, 0);
      const out = new Float64Array(rows * total);
      let offset = 0;
      parts.forEach((p, i) => {
        const copy = Math.min(widths[i], p.cols);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < copy; c++) out[r * total + offset + c] = p.values[r * p.cols + c];
        }
        offset += widths[i];
      });
      return [float32Tensor(out, [rows, total])];
    },
  }),
];
