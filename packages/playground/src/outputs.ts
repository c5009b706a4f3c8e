/** What the page shows about one output value: kind, element type, shape, statistics and the first elements. */
import { NUMERIC_DTYPES, Tensor, describeValue, isEncodedFloat, type Value } from '@onnx-ts/core';
import { toNumbers } from '@onnx-ts/backend-cpu-ref';
import { formatNumber, valueStats, type ValueStats } from '@onnx-ts/cli/lib';

const FIRST_VALUES = 10;
const TOP_K = 5;

export interface OutputView {
  name: string;
  /** 'tensor(float32) [1, 1000]', 'a sequence of 3', ... */
  description: string;
  dtype?: string;
  dims?: readonly number[];
  stats?: ValueStats;
  first: string[];
  /** For a float output with one non-trivial axis (class scores): the largest values and their indices. */
  top?: [index: number, value: number][];
}

function isNumeric(t: Tensor): boolean {
  return NUMERIC_DTYPES.includes(t.type) || isEncodedFloat(t.type) || t.type === 'bool';
}

function topK(values: Float64Array, k: number): [number, number][] {
  const order = Array.from(values.keys()).filter((i) => !Number.isNaN(values[i]));
  order.sort((a, b) => values[b] - values[a]);
  return order.slice(0, k).map((i) => [i, values[i]]);
}

export function describeOutput(name: string, value: Value): OutputView {
  if (!(value instanceof Tensor)) return { name, description: describeValue(value), first: [] };
  const view: OutputView = { name, description: describeValue(value), dtype: value.type, dims: value.dims, first: [] };
  if (isNumeric(value)) {
    const numbers = toNumbers(value);
    view.stats = valueStats(numbers);
    view.first = Array.from(numbers.subarray(0, FIRST_VALUES), formatNumber);
    const classAxes = value.dims.filter((d) => d > 1).length;
    const float = value.type.startsWith('float') || value.type === 'bfloat16';
    if (float && classAxes === 1 && numbers.length > TOP_K) {
      view.top = topK(numbers, TOP_K);
    }
  } else {
    // Strings, complex pairs: shown as stored.
    const data = value.data as ArrayLike<unknown>;
    view.first = Array.from({ length: Math.min(FIRST_VALUES, data.length) }, (_, i) => String(data[i]));
  }
  return view;
}
