/** The playground's model-side logic, in Node: summary counts, generated inputs, input files, output views, op times. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, Tensor, buildModel, encodeTensor, type ProfileEvent, type ValueMetadata } from '@onnx-ts/core';
import { concreteDims, generateInput, readInputFile, symbolicDims } from '../src/inputs.js';
import { describeOutput } from '../src/outputs.js';
import { summarizeModel } from '../src/summary.js';
import { timeByOp } from '../src/timing-chart.js';

const floatInput = (shape: (number | string | null)[]): ValueMetadata => ({ name: 'x', isTensor: true, type: 'float32', shape });

test('summary counts nodes, ops and initializer elements in the graph and its subgraphs', () => {
  const branch = (value: number): ReturnType<GraphBuilder['build']> => {
    const g = new GraphBuilder(`branch${value}`);
    g.initializer(`c${value}`, new Tensor('float32', new Float32Array([value, value]), [2]));
    g.output(g.op('Identity', [`c${value}`]), 'float32', [2]);
    return g.build();
  };
  const g = new GraphBuilder('main');
  const cond = g.input('cond', 'bool', []);
  const w = g.initializer('w', new Tensor('float32', new Float32Array(6), [2, 3]));
  const picked = g.op('If', [cond], { then_branch: branch(1), else_branch: branch(2) });
  g.output(g.op('Relu', [g.op('Relu', [picked])]), 'float32', [2]);
  g.output(g.op('Identity', [w]), 'float32', [2, 3]);
  const s = summarizeModel(buildModel(g.build(), { 'ai.onnx': 17, 'ai.onnx.ml': 3 }));
  // Main graph: If, Relu, Relu, Identity; each branch one Identity.
  assert.is(s.nodeCount, 6);
  assert.equal(s.opHistogram, [['Identity', 3], ['Relu', 2], ['If', 1]]);
  assert.is(s.parameterCount, 6 + 2 + 2);
  assert.is(s.parameterBytes, 10 * 4);
  assert.is(s.initializerCount, 3);
  assert.equal(s.opsets, ['ai.onnx 17', 'ai.onnx.ml 3']);
});

test('arange is i/n for floats and i for integers; zeros are zeros', () => {
  const random = (): number => 0.5;
  const f = generateInput(floatInput([2, 2]), [2, 2], 'arange', random);
  assert.equal(Array.from(f.data as Float32Array), [0, 0.25, 0.5, 0.75]);
  assert.equal(f.dims, [2, 2]);
  const ints = generateInput({ name: 'i', isTensor: true, type: 'int64', shape: [3] }, [3], 'arange', random);
  assert.equal(Array.from(ints.data as BigInt64Array), [0n, 1n, 2n]);
  const zeros = generateInput({ name: 'h', isTensor: true, type: 'float16', shape: [2] }, [2], 'zeros', random);
  assert.equal(Array.from(zeros.data as Uint16Array), [0, 0]);
});

test('random values stay in range: [0, 1) for floats, [0, 4) for integers, 0/1 for bool', () => {
  const draws = [0, 0.999, 0.3, 0.74];
  const random = (): number => draws.shift() ?? 0;
  const ints = generateInput({ name: 'i', isTensor: true, type: 'int32', shape: [4] }, [4], 'random', random);
  assert.equal(Array.from(ints.data as Int32Array), [0, 3, 1, 2]);
  const flags = generateInput({ name: 'b', isTensor: true, type: 'bool', shape: [2] }, [2], 'random', () => 0.6);
  assert.equal(Array.from(flags.data as Uint8Array), [1, 1]);
});

test('generating a non-tensor input asks for a file', () => {
  const seq: ValueMetadata = { name: 's', isTensor: false, typeInfo: { kind: 'sequence', elem: undefined } };
  assert.throws(() => generateInput(seq, [], 'random', Math.random), /input 's' is not a tensor.*\.pb/);
});

test('symbolic dims are listed once and filled in; unknown dims are 1', () => {
  const metas = [floatInput(['batch', 3, null]), { ...floatInput(['batch', 'len']), name: 'y' }];
  assert.equal(symbolicDims(metas), ['batch', 'len']);
  assert.equal(concreteDims(['batch', 3, null, 'len'], new Map([['batch', 8]])), [8, 3, 1, 1]);
});

test('input files: .pb TensorProto, and a clear error for other extensions', () => {
  const t = new Tensor('float32', new Float32Array([1, -2]), [2]);
  const read = readInputFile('x.pb', encodeTensor(t), floatInput([2])) as Tensor;
  assert.equal(Array.from(read.data as Float32Array), [1, -2]);
  assert.throws(() => readInputFile('x.csv', new Uint8Array(4), floatInput([2])), /input 'x': cannot read 'x\.csv', expected a \.pb \(TensorProto\) or \.npy file/);
});

test('output view: statistics, first values and the top scores of a class vector', () => {
  const scores = new Tensor('float32', new Float32Array([0.1, 0.5, NaN, 0.3, 0.9, 0.2, 0.4]), [1, 7]);
  const view = describeOutput('prob', scores);
  assert.is(view.description, 'tensor(float32) [1, 7]');
  assert.is(view.stats?.nanCount, 1);
  assert.is(view.stats?.max, Math.fround(0.9));
  assert.equal(view.first.slice(0, 3), ['0.1', '0.5', 'NaN']);
  assert.equal(view.top?.map(([i]) => i), [4, 1, 6, 3, 5]);
  const strings = describeOutput('labels', new Tensor('string', ['a', 'b'], [2]));
  assert.equal(strings.first, ['a', 'b']);
  assert.is(strings.stats, undefined);
  assert.is(describeOutput('seq', []).description, 'a sequence of 0');
});

test('time per op type sums main-graph nodes only, largest first', () => {
  const event = (opType: string, durationMs: number, depth = 0): ProfileEvent => ({ node: '', opType, backend: 'cpu-ref', startMs: 0, durationMs, depth });
  const ops = timeByOp([event('Conv', 2), event('Relu', 1), event('Conv', 3), event('Add', 9, 1), event('Loop', 4)]);
  assert.equal(ops, [{ op: 'Conv', totalMs: 5, count: 2 }, { op: 'Loop', totalMs: 4, count: 1 }, { op: 'Relu', totalMs: 1, count: 1 }]);
});

test.run();
