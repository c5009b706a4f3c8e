import { Tensor, attr, defineKernel, dtypeFromCode } from '@onnx-ts/core';
import { fromNumbers } from '../../util/elementwise.js';
import { tensorInput } from './args.js';
import { copyElements, storageOf } from './layout.js';

export default [
  defineKernel({
    op: 'EyeLike', since: 9,
    attrs: { dtype: attr.int(), k: attr.int(0) },
    run: (inputs, { dtype, k }) => {
      const x = tensorInput('EyeLike', inputs, 0, 'input');
      if (x.dims.length !== 2) throw new Error(`EyeLike: input must be 2-D, got [${x.dims.join(', ')}]`);
      const type = dtype === undefined ? x.type : dtypeFromCode(dtype);
      if (type === 'string' || type === 'complex64' || type === 'complex128') {
        throw new Error(`EyeLike: output type ${type} is not supported`);
      }
      const [rows, cols] = x.dims;
      const out = Tensor.zeros(type, [rows, cols]);
      const one = storageOf(fromNumbers(type, [1], []));
      // Row i has its one in column i + k, when that column exists.
      for (let i = Math.max(0, -k); i < rows && i + k < cols; i++) copyElements(storageOf(out), i * cols + i + k, one, 0, 1, 1);
      return [out];
    },
  }),
];
