// Pooling, normalizations, softmax family and reductions against cpu-ref on random data and edge layouts.
import { test } from 'uvu';
import { f32, i64, matchesReference, random, randomTensor } from './harness.js';

const next = random(23);
const tol = { rtol: 1e-3, atol: 1e-5 };

test('MaxPool and AveragePool: pads, strides, dilations, ceil_mode, count_include_pad, 1-D, indices', async () => {
  const x = randomTensor('float32', [2, 3, 9, 8], next);
  const configs: Record<string, number | number[] | string>[] = [
    { kernel_shape: [3, 3] },
    { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 1] },
    { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 },
    { kernel_shape: [2, 2], dilations: [2, 2], pads: [1, 1, 1, 1] },
    { kernel_shape: [3, 3], auto_pad: 'SAME_UPPER', strides: [2, 2] },
  ];
  for (const attrs of configs) {
    await matchesReference({ op: 'MaxPool', inputs: [x], attrs }, { tol });
    if (!attrs.dilations) {
      await matchesReference({ op: 'AveragePool', inputs: [x], attrs }, { tol });
      await matchesReference({ op: 'AveragePool', inputs: [x], attrs: { ...attrs, count_include_pad: 1 } }, { tol });
    }
  }
  await matchesReference({ op: 'AveragePool', inputs: [x], attrs: { kernel_shape: [3, 3], dilations: [2, 1], pads: [2, 1, 2, 1] }, opset: 19 }, { tol });
  await matchesReference({ op: 'MaxPool', inputs: [randomTensor('float32', [1, 2, 11], next)], attrs: { kernel_shape: [3], strides: [2], pads: [1, 1] } }, { tol });
  await matchesReference({ op: 'MaxPool', inputs: [x], attrs: { kernel_shape: [2, 2], strides: [2, 2] }, outputs: 2 }, { tol });
  await matchesReference({ op: 'MaxPool', inputs: [x], attrs: { kernel_shape: [2, 3], storage_order: 1 }, outputs: 2 }, { tol });
  await matchesReference({ op: 'MaxPool', inputs: [f32([NaN, 1, 2, 3, 4, NaN, 0, 0, 5], [1, 1, 3, 3])], attrs: { kernel_shape: [2, 2] } });
});

test('global pooling over large and small planes, NaN in max', async () => {
  for (const dims of [[2, 3, 7, 7], [1, 2, 64, 65], [1, 1, 1, 1], [3, 4, 5]]) {
    const x = randomTensor('float32', dims, next);
    await matchesReference({ op: 'GlobalAveragePool', inputs: [x] }, { tol });
    await matchesReference({ op: 'GlobalMaxPool', inputs: [x] }, { tol });
  }
  await matchesReference({ op: 'GlobalMaxPool', inputs: [f32([1, NaN, 3, 4], [1, 2, 2])] });
});

test('BatchNormalization, LRN, InstanceNormalization, LayerNormalization, RMSNormalization, LpNormalization', async () => {
  const x = randomTensor('float32', [2, 5, 4, 3], next);
  const c = (lo = -1, hi = 1) => randomTensor('float32', [5], next, lo, hi);
  await matchesReference({ op: 'BatchNormalization', inputs: [x, c(), c(), c(), c(0.1, 2)], attrs: { epsilon: 1e-3 } }, { tol });
  await matchesReference({ op: 'BatchNormalization', inputs: [x, c(), c(), c(), c(0.1, 2)], opset: 9 }, { tol });
  await matchesReference({ op: 'LRN', inputs: [x], attrs: { size: 3, alpha: 1e-2, beta: 0.6, bias: 1.5 } }, { tol });
  await matchesReference({ op: 'LRN', inputs: [x], attrs: { size: 4 } }, { tol });
  await matchesReference({ op: 'InstanceNormalization', inputs: [x, c(), c()] }, { tol });
  for (const axis of [-1, 1, 2, 0]) {
    const normalized = x.dims.slice(axis < 0 ? axis + 4 : axis);
    await matchesReference({ op: 'LayerNormalization', inputs: [x, randomTensor('float32', normalized, next), randomTensor('float32', normalized, next)], attrs: { axis }, outputs: 3, opset: 17 }, { tol });
    await matchesReference({ op: 'RMSNormalization', inputs: [x, randomTensor('float32', normalized, next)], attrs: { axis }, opset: 23 }, { tol });
  }
  await matchesReference({ op: 'LayerNormalization', inputs: [randomTensor('float32', [3, 300], next), randomTensor('float32', [300], next)], opset: 17 }, { tol });
  for (const p of [1, 2]) await matchesReference({ op: 'LpNormalization', inputs: [x], attrs: { axis: 1, p } }, { tol });
  await matchesReference({ op: 'LpNormalization', inputs: [f32([0, 0, 3, 4], [2, 2])] }, { tol });
});

test('Softmax, LogSoftmax, Hardmax along every axis, before and after opset 13', async () => {
  const x = randomTensor('float32', [3, 4, 70], next, -5, 5);
  for (const op of ['Softmax', 'LogSoftmax', 'Hardmax']) {
    for (const axis of [-1, 0, 1, 2]) {
      await matchesReference({ op, inputs: [x], attrs: { axis }, opset: 13 }, { tol });
      await matchesReference({ op, inputs: [x], attrs: { axis }, opset: 11 }, { tol });
    }
  }
  await matchesReference({ op: 'Hardmax', inputs: [f32([1, 3, 3, 2, 2, 2], [2, 3])] });
  await matchesReference({ op: 'Softmax', inputs: [f32([1000, 1001, -1000, 0], [1, 4])] });
});

test('Reduce* over contiguous and scattered axes, keepdims, empty axes, noop', async () => {
  const x = randomTensor('float32', [3, 4, 5, 6], next, 0.2, 2);
  const ops = ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'];
  for (const op of ops) {
    for (const axes of [[1], [1, 2], [0, 2], [-1, 0, 2], [3]]) {
      await matchesReference({ op, inputs: [x, i64(axes)], opset: 18 }, { tol });
      await matchesReference({ op, inputs: [x], attrs: { axes, keepdims: 0 }, opset: 11 }, { tol });
    }
    await matchesReference({ op, inputs: [x], opset: 18 }, { tol });
    await matchesReference({ op, inputs: [x, i64([])], attrs: { noop_with_empty_axes: 1 }, opset: 18 }, { tol });
  }
  await matchesReference({ op: 'ReduceMax', inputs: [f32([1, NaN, 2, 3], [2, 2]), i64([1])], opset: 18 });
  await matchesReference({ op: 'ReduceSum', inputs: [randomTensor('float32', [2, 5000], next), i64([1])], opset: 13 }, { tol });
});

test('ArgMax and ArgMin: ties, select_last_index, NaN', async () => {
  const x = randomTensor('float32', [4, 5, 6], next);
  for (const op of ['ArgMax', 'ArgMin']) {
    for (const axis of [0, 1, -1]) {
      await matchesReference({ op, inputs: [x], attrs: { axis } });
      await matchesReference({ op, inputs: [x], attrs: { axis, keepdims: 0 } });
    }
    const ties = f32([1, 3, 3, 0, 0, 0, NaN, 2, NaN], [3, 3]);
    await matchesReference({ op, inputs: [ties], attrs: { axis: 1 } });
    await matchesReference({ op, inputs: [ties], attrs: { axis: 1, select_last_index: 1 }, opset: 12 });
  }
});

test.run();
