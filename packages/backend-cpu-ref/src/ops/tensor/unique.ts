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
      const firsts: number[] = [];
      const counts: number[] = [];
      const groupOf = new Int32Array(n);
      for (const item of order) {
        if (firsts.length === 0 || compareItems(firsts[firsts.length - 1], item) !== 0) {
          firsts.push(item);
          counts.push(0);
        }
        groupOf[item] = firsts.length - 1;
        counts[firsts.length - 1]++;
      }
      // Unsorted output lists the groups by first occurrence instead.
      const groupOrder = firsts.map((_, g) => g);
      if (!sorted) groupOrder.sort((g, h) => firsts[g] - firsts[h]);
      const position = new Int32Array(firsts.length);
      groupOrder.forEach((g, at) => { position[g] = at; });
      const count = firsts.length;
      const firstIndex = groupOrder.map((g) => firsts[g]);
      return [
        selectAlongAxis(x, axis, firstIndex),
        new Tensor('int64', BigInt64Array.from(firstIndex, BigInt), [count]),
        new Tensor('int64', BigInt64Array.from(groupOf, (g) => BigInt(position[g])), [n]),
        new Tensor('int64', BigInt64Array.from(groupOrder, (g) => BigInt(counts[g])), [count]),
      ];
    },
  }),
];
