import { Tensor, attr, defineKernel, isEncodedFloat, normalizeAxis, shapeSize } from '@onnx-ts/core';
import { toNumbers } from '../../util/elementwise.js';
import { tensorInput } from './args.js';
import { selectAlongAxis } from './layout.js';

type Scalar = number | bigint | string;

/** Orders two elements; NaN sorts last and equals NaN, so all NaNs form one unique value. */
function compareScalars(a: Scalar, b: Scalar): number {
  if (a === b) return 0;
  const aNaN = a !== a;
  const bNaN = b !== b;
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
  return a < b ? -1 : 1;
}

export default [
  defineKernel({
    op: 'Unique', since: 11,
    attrs: { axis: attr.int(), sorted: attr.int(1) },
    run: (inputs, { axis: axisIn, sorted }) => {
      const input = tensorInput('Unique', inputs, 0, 'X');
      if (input.type === 'complex64' || input.type === 'complex128') throw new Error(`Unique: ${input.type} has no order`);
      // Without an axis the items are the elements of the flattened input; with one, its slices along the axis.
      const x = axisIn === undefined ? input.reshape([input.size]) : input;
      const axis = axisIn === undefined ? 0 : normalizeAxis(axisIn, input.dims.length);
      const n = x.dims[axis];
      const outer = shapeSize(x.dims.slice(0, axis));
      const inner = shapeSize(x.dims.slice(axis + 1));
      // Low-precision floats compare by value, so their codes are decoded first.
      const values = (isEncodedFloat(x.type) ? toNumbers(x) : x.data) as ArrayLike<Scalar>;
      const compareItems = (a: number, b: number): number => {
        for (let o = 0; o < outer; o++) {
          for (let e = 0; e < inner; e++) {
            const c = compareScalars(values[(o * n + a) * inner + e], values[(o * n + b) * inner + e]);
            if (c !== 0) return c;
          }
        }
        return 0;
      };
      // A stable sort keeps equal items in input order, so each group starts with its first occurrence.
      const order = Array.from({ length: n }, (_, i) => i).sort(compareItems);
      const groups: number[][] = [];
      for (const item of order) {
        const last = groups[groups.length - 1];
        if (last && compareItems(last[0], item) === 0) last.push(item);
        else groups.push([item]);
      }
      if (!sorted) groups.sort((g, h) => g[0] - h[0]);
      const inverse = new BigInt64Array(n);
      groups.forEach((g, id) => { for (const item of g) inverse[item] = BigInt(id); });
      const firsts = groups.map((g) => g[0]);
      const count = groups.length;
      return [
        selectAlongAxis(x, axis, firsts),
        new Tensor('int64', BigInt64Array.from(firsts, BigInt), [count]),
        new Tensor('int64', inverse, [n]),
        new Tensor('int64', BigInt64Array.from(groups, (g) => BigInt(g.length)), [count]),
      ];
    },
  }),
];
