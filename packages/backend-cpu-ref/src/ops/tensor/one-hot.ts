import { attr, defineKernel, normalizeAxis, shapeSize, slotsPerElement } from '@onnx-ts/core';
import { numericKind, toNumbers } from '../../util/elementwise.js';
import { tensorInput } from './args.js';
import { copyElements, filledTensor, narrow, storageOf } from './layout.js';

export default [
  defineKernel({
    op: 'OneHot', since: 9,
    attrs: { axis: attr.int(-1) },
    run: (inputs, { axis: axisIn }, ctx) => {
      const indices = tensorInput('OneHot', inputs, 0, 'indices');
      const depthInput = tensorInput('OneHot', inputs, 1, 'depth');
      const values = tensorInput('OneHot', inputs, 2, 'values');
      // Indices and depth may be of any numeric type (numericKind rejects strings and complex numbers).
      numericKind(indices.type);
      numericKind(depthInput.type);
      if (depthInput.size !== 1) throw new Error(`OneHot: 'depth' must hold one value, got shape [${depthInput.dims.join(', ')}]`);
      if (values.size !== 2) throw new Error(`OneHot: 'values' must hold [off_value, on_value], got shape [${values.dims.join(', ')}]`);
      const depth = Math.trunc(toNumbers(depthInput)[0]);
      if (!(depth > 0)) throw new Error(`OneHot: 'depth' must be positive, got ${toNumbers(depthInput)[0]}`);
      const axis = normalizeAxis(axisIn, indices.dims.length + 1);
      const outDims = [...indices.dims.slice(0, axis), depth, ...indices.dims.slice(axis)];
      ctx.checkAllocation(values.type, shapeSize(outDims));
      const flatValues = values.reshape([2]);
      const out = filledTensor(narrow(flatValues, 0, 0, 1), outDims);
      const target = storageOf(out);
      const on = storageOf(flatValues);
      const slots = slotsPerElement(values.type);
      const index = toNumbers(indices);
      const inner = shapeSize(indices.dims.slice(axis));
      for (let p = 0; p < index.length; p++) {
        // Negative indices count back from depth; anything else outside [0, depth) stays all off.
        let v = Math.trunc(index[p]);
        if (v < 0) v += depth;
        if (!(v >= 0 && v < depth)) continue;
        const o = Math.floor(p / inner);
        copyElements(target, (o * depth + v) * inner + (p % inner), on, 1, 1, slots);
      }
      return [out];
    },
  }),
];
