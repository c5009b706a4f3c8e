// Elementwise kernels against cpu-ref: every unary op and activation on values that include the near-zero range
// where naive formulas lose precision, binary ops on random broadcasting shapes, integer and bool types, float16.
import { test } from 'uvu';
import { Tensor, numberToFloat16 } from '@onnx-ts/core';
import { f32, matchesReference, random, randomTensor, rejects } from './harness.js';

const next = random(7);
/** Values across magnitudes, signs, zero and tiny numbers. */
const spread = f32([-3, -1.5, -0.7, -0.3, -1e-3, -2e-5, 0, 3e-6, 1e-4, 0.01, 0.2, 0.45, 0.6, 1, 2.5, 7, 15, 30]);

const FLOAT_UNARY = [
  'Abs', 'Neg', 'Relu', 'Exp', 'Sigmoid', 'Tanh', 'Sin', 'Cos', 'Tan', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Erf',
  'Ceil', 'Floor', 'Round', 'Reciprocal', 'Sign', 'Softplus', 'Softsign', 'Elu', 'Selu', 'LeakyRelu',
  'ThresholdedRelu', 'HardSigmoid', 'HardSwish', 'Mish', 'Shrink', 'Celu',
];

test('float unary ops and activations match cpu-ref across magnitudes', async () => {
  for (const op of FLOAT_UNARY) await matchesReference({ op, inputs: [spread], opset: 21 });
  await matchesReference({ op: 'Sqrt', inputs: [f32([0, 1e-6, 0.25, 2, 1e4])] });
  await matchesReference({ op: 'Log', inputs: [f32([1e-6, 0.5, 1, 2, 1e4])] });
  await matchesReference({ op: 'Asin', inputs: [f32([-1, -0.5, -1e-4, 0, 0.3, 1])] });
  await matchesReference({ op: 'Acos', inputs: [f32([-1, -0.5, 0, 0.3, 1])] });
  await matchesReference({ op: 'Acosh', inputs: [f32([1, 1.5, 3, 100])] });
  await matchesReference({ op: 'Atanh', inputs: [f32([-0.9, -0.3, -1e-4, 0, 2e-3, 0.49, 0.51, 0.95])] });
});

test('activations with attributes use the attribute values', async () => {
  await matchesReference({ op: 'LeakyRelu', inputs: [spread], attrs: { alpha: 0.3 } });
  await matchesReference({ op: 'Elu', inputs: [spread], attrs: { alpha: 2.5 } });
  await matchesReference({ op: 'HardSigmoid', inputs: [spread], attrs: { alpha: 0.5, beta: 0.25 } });
  await matchesReference({ op: 'Gelu', inputs: [spread], attrs: { approximate: 'tanh' }, opset: 20 });
  await matchesReference({ op: 'Gelu', inputs: [spread], opset: 20 });
  await matchesReference({ op: 'Swish', inputs: [spread], attrs: { alpha: 0.75 }, opset: 24 });
});

test('NaN and infinity tests, and bool Not', async () => {
  const special = f32([NaN, Infinity, -Infinity, 0, -1, 3]);
  await matchesReference({ op: 'IsNaN', inputs: [special] });
  await matchesReference({ op: 'IsInf', inputs: [special] });
  await matchesReference({ op: 'IsInf', inputs: [special], attrs: { detect_negative: 0 } });
  await matchesReference({ op: 'Relu', inputs: [special] });
  await matchesReference({ op: 'Not', inputs: [new Tensor('bool', Uint8Array.of(1, 0, 0, 1), [4])] });
});

test('binary ops broadcast over random shapes', async () => {
  const shapes: [number[], number[]][] = [
    [[3, 4, 5], [5]], [[3, 1, 5], [1, 4, 1]], [[2, 3, 4, 5], [3, 1, 1]], [[1], [6, 7]], [[], [2, 2]], [[4, 1], [1, 70000]],
  ];
  for (const [a, b] of shapes) {
    const x = randomTensor('float32', a, next);
    const y = randomTensor('float32', b, next, 0.5, 3);
    for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual']) {
      await matchesReference({ op, inputs: [x, y] });
    }
    await matchesReference({ op: 'Pow', inputs: [randomTensor('float32', a, next, 0.1, 3), y] });
  }
});

test('Pow follows C for negative bases and integer exponents', async () => {
  await matchesReference({ op: 'Pow', inputs: [f32([-2, -2, -8, 0, 0, 2]), f32([3, 2, 1 / 3, 0, 2, -1])] });
  await matchesReference({ op: 'Pow', inputs: [f32([-2, 3, 4]), new Tensor('int32', Int32Array.of(3, 2, -1), [3])] });
});

test('Max/Min propagate NaN; Sum/Mean take many inputs', async () => {
  await matchesReference({ op: 'Max', inputs: [f32([NaN, 1, 2]), f32([0, NaN, 3])] });
  await matchesReference({ op: 'Min', inputs: [f32([NaN, 1, 2]), f32([0, NaN, 3])] });
  const xs = [[2, 3], [3], [1, 3], [2, 1]].map((d) => randomTensor('float32', d, next));
  await matchesReference({ op: 'Sum', inputs: xs });
  await matchesReference({ op: 'Mean', inputs: xs });
  await matchesReference({ op: 'Max', inputs: xs });
  await matchesReference({ op: 'Sum', inputs: [xs[0]] });
});

test('integer arithmetic wraps like typed arrays; bool logic; bitwise ops', async () => {
  const i8 = new Tensor('int8', Int8Array.of(100, -100, 127, -128), [4]);
  await matchesReference({ op: 'Add', inputs: [i8, new Tensor('int8', Int8Array.of(100, -100, 1, -1), [4])] });
  await matchesReference({ op: 'Mul', inputs: [new Tensor('uint8', Uint8Array.of(200, 3, 16), [3]), new Tensor('uint8', Uint8Array.of(2, 100, 16), [3])] });
  const a = randomTensor('int32', [3, 4], next, -1000, 1000);
  const b = randomTensor('int32', [4], next, -1000, 1000);
  for (const op of ['Add', 'Sub', 'Mul', 'Max', 'Min', 'Equal', 'Greater', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor']) {
    await matchesReference({ op, inputs: [a, b], opset: 18 });
  }
  await matchesReference({ op: 'BitwiseNot', inputs: [a], opset: 18 });
  await matchesReference({ op: 'Abs', inputs: [a] });
  await matchesReference({ op: 'Neg', inputs: [a] });
  const p = new Tensor('bool', Uint8Array.of(1, 1, 0, 0), [2, 2]);
  const q = new Tensor('bool', Uint8Array.of(1, 0), [2]);
  for (const op of ['And', 'Or', 'Xor', 'Equal']) await matchesReference({ op, inputs: [p, q] });
});

test('Where, PRelu, Mod, Clip and Cast', async () => {
  const cond = randomTensor('bool', [3, 1, 4], next);
  await matchesReference({ op: 'Where', inputs: [cond, randomTensor('float32', [2, 4], next), randomTensor('float32', [3, 2, 1], next)] });
  await matchesReference({ op: 'Where', inputs: [cond, randomTensor('int32', [4], next, -9, 9), randomTensor('int32', [1], next, -9, 9)] });
  await matchesReference({ op: 'PRelu', inputs: [randomTensor('float32', [2, 3, 4], next), randomTensor('float32', [3, 1], next)] });
  await matchesReference({ op: 'Mod', inputs: [f32([5.5, -5.5, 5.5, -5.5]), f32([2, 2, -2, -2])], attrs: { fmod: 1 } });
  await matchesReference({ op: 'Clip', inputs: [spread, f32([-0.5], []), f32([0.5], [])] });
  await matchesReference({ op: 'Clip', inputs: [spread, undefined, f32([0.5], [])] });
  await matchesReference({ op: 'Clip', inputs: [spread], attrs: { min: -1, max: 1 }, opset: 6 });
  const mixed = f32([-2.7, -0.5, 0, 0.5, 2.7, 200.6, -129.2, NaN, Infinity]);
  for (const to of [6 /* int32 */, 3 /* int8 */, 2 /* uint8 */, 12 /* uint32 */, 9 /* bool */, 10 /* float16 */]) {
    await matchesReference({ op: 'Cast', inputs: [mixed], attrs: { to } });
  }
  await matchesReference({ op: 'Cast', inputs: [new Tensor('int32', Int32Array.of(-1, 70000, 5), [3])], attrs: { to: 4 /* uint16 */ } });
  await matchesReference({ op: 'CastLike', inputs: [new Tensor('bool', Uint8Array.of(1, 0), [2]), f32([0])] });
});

test('float16 tensors compute in f32 and round once on store', async () => {
  const h = (values: number[]): Tensor => new Tensor('float16', Uint16Array.from(values, numberToFloat16), [values.length]);
  const x = h([-3, -0.5, 1e-3, 0.7, 2, 60000]);
  for (const op of ['Relu', 'Sigmoid', 'Tanh', 'Exp', 'Neg', 'Erf']) await matchesReference({ op, inputs: [x] });
  await matchesReference({ op: 'Add', inputs: [x, h([60000])] });
  await matchesReference({ op: 'Mul', inputs: [x, h([0.1, 2, 3, 4, 5, 6])] });
});

test('empty tensors give empty outputs', async () => {
  await matchesReference({ op: 'Relu', inputs: [f32([], [0, 3])] });
  await matchesReference({ op: 'Add', inputs: [f32([], [2, 0]), f32([1])] });
});

test('bad shapes and types raise cpu-ref\'s Errors', async () => {
  await rejects({ op: 'Add', inputs: [f32([1, 2]), f32([1, 2, 3])] }, /cannot be broadcast/);
  await rejects({ op: 'Add', inputs: [f32([1]), new Tensor('int32', Int32Array.of(1), [1])] }, /different element types/);
  await rejects({ op: 'Mod', inputs: [f32([1]), f32([1])], attrs: { fmod: 0 } }, /fmod must be 1/);
});

test.run();
