/** The window functions of the signal ops: sums of cosines, w[k] = Σ_j (-1)^j · a_j · cos(2π·j·k / N). */
import { FLOAT_DTYPES, INT_DTYPES, attr, defineKernel, type DType } from '@onnx-ts/core';
import { fromNumbers } from '../../../util/elementwise.js';
import { readIntScalar, tensorInput } from '../../tensor/args.js';
import { dtypeAttribute } from '../inputs.js';

/** Element types the window and mel ops may output. */
export const SIGNAL_OUTPUT_DTYPES: readonly DType[] = [...FLOAT_DTYPES, ...INT_DTYPES];

/**
 * A window op with cosine coefficients `a`. A periodic window of `size` is the first `size` points of the symmetric
 * window of size + 1, so N is size when periodic and size - 1 when symmetric.
 */
export function cosineWindowKernel(op: string, a: readonly number[]) {
  return defineKernel({
    op, since: 17, dtypes: ['int32', 'int64'],
    attrs: { output_datatype: attr.int(1), periodic: attr.int(1) },
    run: (inputs, { output_datatype, periodic }, ctx) => {
      const type = dtypeAttribute(op, output_datatype, 'output_datatype', SIGNAL_OUTPUT_DTYPES);
      const size = readIntScalar(op, tensorInput(op, inputs, 0, 'size'), 'size');
      if (size < 0) throw new Error(`${op}: 'size' must not be negative, got ${size}`);
      ctx.checkAllocation(type, size);
      const period = periodic === 1 ? size : size - 1;
      const values = new Float64Array(size);
      for (let k = 0; k < size; k++) {
        let w = 0;
        // A one-point symmetric window has N = 0; its one value is the window's peak, cos(0) for every term.
        const angle = period === 0 ? 0 : (2 * Math.PI * k) / period;
        for (let j = 0; j < a.length; j++) w += (j % 2 ? -1 : 1) * a[j] * Math.cos(j * angle);
        values[k] = w;
      }
      return [fromNumbers(type, values, [size])];
    },
  });
}
