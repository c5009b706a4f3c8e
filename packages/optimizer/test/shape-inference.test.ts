import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, Tensor, buildModel } from '@onnx-ts/core';
import { inferFacts } from '../src/index.js';

const i64 = (values: number[]): Tensor => new Tensor('int64', BigInt64Array.from(values, BigInt), [values.length]);

function facts(build: (g: GraphBuilder) => void, opset = 13) {
  const g = new GraphBuilder();
  build(g);
  const m = buildModel(g.build(), { 'ai.onnx': opset });
  return inferFacts(m.graph, m.opsetImports);
}

test('Conv and pools: output dims from pads, strides and dilations; symbolic batch kept', () => {
  const f = facts((g) => {
    g.input('x', 'float32', ['N', 3, 32, 32]);
    g.initializer('w', Tensor.zeros('float32', [8, 3, 5, 5]));
    g.node('Conv', ['x', 'w'], { strides: [2, 2], pads: [2, 2, 2, 2] }, { outputs: ['c'] });
    g.node('Conv', ['x', 'w'], { dilations: [2, 2], auto_pad: 'VALID' }, { outputs: ['d'] });
    g.node('MaxPool', ['c'], { kernel_shape: [3, 3], strides: [2, 2] }, { outputs: ['p'] });
    g.node('GlobalAveragePool', ['p'], {}, { outputs: ['gap'] });
  });
  // (32 + 4 - 5) / 2 + 1 = 16; dilated kernel 9: 32 - 9 + 1 = 24; pool (16 - 3) / 2 + 1 = 7
  assert.equal(f.get('c')?.shape, ['N', 8, 16, 16]);
  assert.equal(f.get('d')?.shape, ['N', 8, 24, 24]);
  assert.equal(f.get('p')?.shape, ['N', 8, 7, 7]);
  assert.equal(f.get('gap')?.shape, ['N', 8, 1, 1]);
  assert.is(f.get('c')?.type, 'float32');
});

test('MatMul, Gemm and broadcasting with symbolic dims', () => {
  const f = facts((g) => {
    g.input('a', 'float32', ['B', 'S', 64]);
    g.initializer('w', Tensor.zeros('float32', [64, 32]));
    g.input('m', 'float32', [10, 20]);
    g.initializer('n', Tensor.zeros('float32', [30, 20]));
    g.input('one', 'float32', [1, 'S', 1]);
    g.node('MatMul', ['a', 'w'], {}, { outputs: ['mm'] });
    g.node('Gemm', ['m', 'n'], { transB: 1 }, { outputs: ['gemm'] });
    g.node('Add', ['mm', 'one'], {}, { outputs: ['sum'] });
    g.node('Equal', ['mm', 'one'], {}, { outputs: ['eq'] });
  });
  assert.equal(f.get('mm')?.shape, ['B', 'S', 32]);
  assert.equal(f.get('gemm')?.shape, [10, 30]);
  assert.equal(f.get('sum')?.shape, ['B', 'S', 32]);
  assert.is(f.get('eq')?.type, 'bool');
});

test('shape values: Shape → Gather / Slice / Concat / Unsqueeze track contents, symbols included', () => {
  const f = facts((g) => {
    g.input('x', 'float32', ['N', 3, 224, 224]);
    g.initializer('one', i64([1]));
    g.initializer('start', i64([1]));
    g.initializer('end', i64([4]));
    g.initializer('axes0', i64([0]));
    g.initializer('minus1', i64([-1]));
    g.node('Shape', ['x'], {}, { outputs: ['s'] });
    g.node('Gather', ['s', 'one'], {}, { outputs: ['c'] });
    g.node('Slice', ['s', 'start', 'end'], {}, { outputs: ['hw'] });
    g.node('Gather', ['s', 'axes0'], {}, { outputs: ['n'] });
    g.node('Concat', ['n', 'minus1'], { axis: 0 }, { outputs: ['target'] });
    g.node('Reshape', ['x', 'target'], {}, { outputs: ['flat'] });
    g.node('Mul', ['hw', 'one'], {}, { outputs: ['hw2'] });
  });
  assert.equal(f.get('s')?.value, ['N', 3, 224, 224]);
  assert.equal(f.get('c')?.value, [3]);
  assert.equal(f.get('hw')?.value, [3, 224, 224]);
  assert.equal(f.get('target')?.value, ['N', -1]);
  // -1 is what is left once N cancels: 3 · 224 · 224.
  assert.equal(f.get('flat')?.shape, ['N', 150528]);
  assert.equal(f.get('hw2')?.value, [3, 224, 224]);
});

test('Reshape resolves -1 and 0 on static input; Flatten, Transpose, Squeeze/Unsqueeze by opset', () => {
  const f = facts((g) => {
    g.input('x', 'float32', [2, 3, 4]);
    g.initializer('t', i64([0, -1]));
    g.initializer('ax', i64([0, 3]));
    g.node('Reshape', ['x', 't'], {}, { outputs: ['r'] });
    g.node('Flatten', ['x'], { axis: 2 }, { outputs: ['fl'] });
    g.node('Flatten', ['x'], { axis: -3 }, { outputs: ['fl_neg'] });
    g.node('Transpose', ['x'], { perm: [2, 0, 1] }, { outputs: ['tr'] });
    g.node('Transpose', ['x'], {}, { outputs: ['rev'] });
    g.node('Unsqueeze', ['x', 'ax'], {}, { outputs: ['u'] });
    g.node('Squeeze', ['u', 'ax'], {}, { outputs: ['sq'] });
  });
  assert.equal(f.get('r')?.shape, [2, 12]);
  assert.equal(f.get('fl')?.shape, [6, 4]);
  assert.equal(f.get('fl_neg')?.shape, [1, 24]);
  assert.equal(f.get('tr')?.shape, [4, 2, 3]);
  assert.equal(f.get('rev')?.shape, [4, 3, 2]);
  assert.equal(f.get('u')?.shape, [1, 2, 3, 1, 4]);
  assert.equal(f.get('sq')?.shape, [2, 3, 4]);
  const old = facts((g) => {
    g.input('x', 'float32', [2, 3]);
    g.node('Unsqueeze', ['x'], { axes: [1] }, { outputs: ['u'] });
    g.node('ReduceMean', ['x'], { axes: [1], keepdims: 0 }, { outputs: ['m'] });
  }, 11);
  assert.equal(old.get('u')?.shape, [2, 1, 3]);
  assert.equal(old.get('m')?.shape, [2]);
});

test('Cast sets the type; unknown ops leave outputs unknown; declared value_info fills gaps', () => {
  const g = new GraphBuilder();
  g.input('x', 'float32', [5]);
  g.node('Cast', ['x'], { to: 7 }, { outputs: ['c'] });
  g.node('Mystery', ['x'], {}, { outputs: ['m'], domain: 'example.org' });
  g.node('Relu', ['m'], {}, { outputs: ['r'] });
  const graph = g.build();
  graph.valueInfo.push({ name: 'm', type: { kind: 'tensor', elemType: 'float32', shape: [5] } });
  const f = inferFacts(graph, new Map([['ai.onnx', 13]]));
  assert.is(f.get('c')?.type, 'int64');
  assert.equal(f.get('m'), { type: 'float32', shape: [5] });
  assert.equal(f.get('r')?.shape, [5]);
  const bare = inferFacts({ ...graph, valueInfo: [] }, new Map([['ai.onnx', 13]]));
  assert.equal(bare.get('m'), {});
  assert.is(bare.get('r')?.shape, undefined);
});

test.run();
