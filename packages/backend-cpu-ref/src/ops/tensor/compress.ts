import { attr, defineKernel, normalizeAxis } from '@onnx-ts/core';
import { tensorInput } from './args.js';
import { selectAlongAxis } from './layout.js';

export default [
  defineKernel({
    op: 'Compress', since: 9,
    attrs: { axis: attr.int() },
    run: (inputs, { axis: axisIn }) => {
      const input = tensorInput('Compress', inputs, 0, 'input');
      const condition = tensorInput('Compress', inputs, 1, 'condition');
      if (condition.type !== 'bool' || condition.dims.length !== 1) {
        throw new Error(`Compress: 'condition' must be a 1-D bool tensor, got ${condition.type} [${condition.dims.join(', ')}]`);
      }
      // Without an axis the input is taken flattened.
      const x = axisIn === undefined ? input.reshape([input.size]) : input;
      const axis = axisIn === undefined ? 0 : normalizeAxis(axisIn, input.dims.length);
      const dim = x.dims[axis];
      const keep = condition.data as Uint8Array;
      const positions: number[] = [];
      for (let i = 0; i < keep.length; i++) {
        if (!keep[i]) continue;
        // A condition shorter than the axis drops the rest; a longer one may only add false entries.
        if (i >= dim) throw new Error(`Compress: 'condition' selects position ${i}, beyond the axis length ${dim}`);
        positions.push(i);
      }
      return [selectAlongAxis(x, axis, positions)];
    },
  }),
];
