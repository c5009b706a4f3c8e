import { attr, defineKernel, type MapKey } from '@onnx-ts/core';
import { ML_DOMAIN, classLabels, tensorInput } from './common.js';

const OP = 'ZipMap';

/** Turns each row of X [N, C] (or [C], one row) into a map from the C class labels to the row's values. */
export default [
  defineKernel({
    op: OP, domain: ML_DOMAIN, since: 1,
    dtypes: ['float32'],
    attrs: { classlabels_strings: attr.strings(), classlabels_int64s: attr.ints() },
    run: ([input], a) => {
      const x = tensorInput(OP, input);
      const labels = classLabels(OP, a.classlabels_int64s, a.classlabels_strings, ['classlabels_int64s', 'classlabels_strings']);
      const keys: MapKey[] = labels.values;
      if (keys.length === 0) throw new Error(`${OP}: one of classlabels_strings and classlabels_int64s must be set`);
      if (x.dims.length !== 1 && x.dims.length !== 2) throw new Error(`${OP}: X should be [N, C] or [C], got [${x.dims.join(', ')}]`);
      const cols = x.dims[x.dims.length - 1];
      if (cols !== keys.length) throw new Error(`${OP}: X has ${cols} columns for ${keys.length} class labels`);
      const rows = x.dims.length === 1 ? 1 : x.dims[0];
      const data = x.data as Float32Array;
      const out: Map<MapKey, number>[] = [];
      for (let n = 0; n < rows; n++) out.push(new Map(keys.map((k, c) => [k, data[n * cols + c]])));
      return [out];
    },
  }),
];
