// Sequence and optional values against results worked out by hand from the spec.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GraphBuilder, InferenceSession, Tensor, buildModel, tensorType, type TypeInfo, type Value } from '@onnx-ts/core';
import { f32, i32, i64, plain, rejects, runNode, runTensor, str } from './tensor-harness.js';

const a = f32([1, 2], [2]);
const b = f32([3], [1]);
const c = f32([4, 5, 6], [3]);

async function runSeq(op: string, inputs: (Value | undefined)[], attrs = {}): Promise<Value[]> {
  const [out] = await runNode(op, inputs, attrs);
  if (!Array.isArray(out)) throw new Error(`${op} returned no sequence`);
  return out;
}

test('SequenceConstruct and SequenceAt, with a negative position and one out of range', async () => {
  const [seq] = await runNode('SequenceConstruct', [a, b, c]);
  assert.equal((seq as Value[]).length, 3);
  assert.equal(plain(await runTensor('SequenceAt', [seq, i64([-1], [])])), { dims: [3], data: [4, 5, 6] });
  assert.equal(plain(await runTensor('SequenceAt', [seq, i32([1], [])])).data, [3]);
  await rejects(() => runTensor('SequenceAt', [seq, i64([3], [])]), /position 3 is out of range \[-3, 2\]/);
  await rejects(() => runNode('SequenceConstruct', [a, i64([1])]), /inputs\[1\] is int64 but inputs\[0\] is float32/);
});

test('SequenceInsert at a position, at the back by default, and at n; a type mismatch is an error', async () => {
  const seq = [a, b];
  assert.equal((await runSeq('SequenceInsert', [seq, c])).map((t) => plain(t).data), [[1, 2], [3], [4, 5, 6]]);
  assert.equal((await runSeq('SequenceInsert', [seq, c, i64([-1], [])])).map((t) => plain(t).data), [[1, 2], [4, 5, 6], [3]]);
  assert.equal((await runSeq('SequenceInsert', [seq, c, i64([2], [])])).length, 3);
  assert.equal(seq.length, 2, 'the input sequence is left as it was');
  await rejects(() => runSeq('SequenceInsert', [seq, c, i64([3], [])]), /out of range \[-2, 2\]/);
  await rejects(() => runSeq('SequenceInsert', [seq, i64([1])]), /'tensor' is int64 but the sequence holds float32/);
});

test('SequenceErase removes the last element by default; SequenceLength counts; SequenceEmpty is empty', async () => {
  assert.equal((await runSeq('SequenceErase', [[a, b, c]])).map((t) => plain(t).data), [[1, 2], [3]]);
  assert.equal((await runSeq('SequenceErase', [[a, b, c], i64([0], [])])).map((t) => plain(t).data), [[3], [4, 5, 6]]);
  await rejects(() => runSeq('SequenceErase', [[]]), /sequence is empty/);
  assert.equal(plain(await runTensor('SequenceLength', [[a, b]])), { dims: [], data: [2n] });
  assert.equal(await runSeq('SequenceEmpty', [], { dtype: 7 }), []);
  await rejects(() => runTensor('SequenceLength', [a]), /'input_sequence' must be a sequence/);
});

test('SplitToSequence: unit parts with keepdims=0, a scalar chunk with a shorter last part, listed lengths', async () => {
  const x = f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [2, 5]);
  const units = await runSeq('SplitToSequence', [x], { axis: -1, keepdims: 0 });
  assert.equal(units.map(plain), [0, 1, 2, 3, 4].map((k) => ({ dims: [2], data: [k, k + 5] })));
  const chunks = await runSeq('SplitToSequence', [x, i64([2], [])], { axis: 1 });
  assert.equal(chunks.map(plain), [
    { dims: [2, 2], data: [0, 1, 5, 6] }, { dims: [2, 2], data: [2, 3, 7, 8] }, { dims: [2, 1], data: [4, 9] },
  ]);
  const listed = await runSeq('SplitToSequence', [x, i64([1, 1])], { keepdims: 0 });
  assert.equal(listed.map((t) => plain(t).dims), [[1, 5], [1, 5]], 'keepdims is ignored when split is given');
  const empty = await runSeq('SplitToSequence', [f32([], [0]), i64([0, 0])]);
  assert.equal(empty.map((t) => plain(t).dims), [[0], [0]]);
  await rejects(() => runSeq('SplitToSequence', [x, i64([2, 2])], { axis: 1 }), /sums to 4, but the axis has 5/);
  await rejects(() => runSeq('SplitToSequence', [x, i64([0], [])]), /must be positive/);
});

test('ConcatFromSequence joins along an axis or stacks on a new one; shapes must agree off the axis', async () => {
  const p = f32([1, 2, 3, 4], [2, 2]);
  const q = f32([5, 6], [2, 1]);
  assert.equal(plain(await runTensor('ConcatFromSequence', [[p, q]], { axis: -1 })), { dims: [2, 3], data: [1, 2, 5, 3, 4, 6] });
  const stacked = await runTensor('ConcatFromSequence', [[p, p.reshape([2, 2])]], { axis: -1, new_axis: 1 });
  assert.equal(plain(stacked), { dims: [2, 2, 2], data: [1, 1, 2, 2, 3, 3, 4, 4] });
  const words = await runTensor('ConcatFromSequence', [[str(['a']), str(['b', 'c'])]], { axis: 0 });
  assert.equal(plain(words), { dims: [3], data: ['a', 'b', 'c'] });
  await rejects(() => runTensor('ConcatFromSequence', [[p, q]], { axis: 0 }), /element 1 has shape \[2, 1\]/);
  await rejects(() => runTensor('ConcatFromSequence', [[]], { axis: 0 }), /sequence is empty/);
  await rejects(() => runTensor('ConcatFromSequence', [[f32([1], [])]], { axis: 0 }), /scalars can only be joined with new_axis=1/);
});

test('Optional, OptionalHasElement and OptionalGetElement', async () => {
  assert.equal(plain(await runTensor('OptionalHasElement', [null], {}, { opset: 18 })).data, [0]);
  assert.equal(plain(await runTensor('OptionalHasElement', [undefined], {}, { opset: 18 })).data, [0]);
  assert.equal(plain(await runTensor('OptionalHasElement', [[a]], {}, { opset: 18 })).data, [1]);
  const [wrapped] = await runNode('Optional', [a]);
  assert.equal(plain(await runTensor('OptionalGetElement', [wrapped])).data, [1, 2]);
  await rejects(() => runNode('OptionalGetElement', [null]), /is an empty optional/);
  await rejects(() => runNode('Optional', []), /'type' attribute must give the element type/);
});

/** A model applying SequenceMap with a body of Add and Shape to a sequence and a second input of `otherType`. */
async function sequenceMapSession(otherType: TypeInfo): Promise<InferenceSession> {
  const body = new GraphBuilder('body');
  body.input('x', 'float32');
  body.input('y', 'float32');
  body.output(body.op('Add', ['x', 'y']));
  body.output(body.op('Shape', ['x']));
  const g = new GraphBuilder('main');
  g.input('seq', { kind: 'sequence', elem: tensorType('float32') });
  g.input('other', otherType);
  const [sums, shapes] = g.node('SequenceMap', ['seq', 'other'], { body: body.build() }, { outputs: ['sums', 'shapes'] });
  g.output(sums);
  g.output(shapes);
  return InferenceSession.create(buildModel(g.build(), { 'ai.onnx': 17 }), { executionProviders: ['cpu-ref'] });
}

test('SequenceMap runs the body per element, passing whole tensors and matching elements of other sequences', async () => {
  const withTensor = await sequenceMapSession(tensorType('float32'));
  const out = await withTensor.run({ seq: [a, f32([10])], other: f32([100]) });
  assert.equal((out.sums as Tensor[]).map(plain), [{ dims: [2], data: [101, 102] }, { dims: [1], data: [110] }]);
  assert.equal((out.shapes as Tensor[]).map((t) => plain(t).data), [[2n], [1n]]);
  assert.equal((await withTensor.run({ seq: [], other: f32([100]) })).sums, []);
  const withSequence = await sequenceMapSession({ kind: 'sequence', elem: tensorType('float32') });
  const paired = await withSequence.run({ seq: [a, f32([10])], other: [f32([1]), f32([2])] });
  assert.equal((paired.sums as Tensor[]).map((t) => plain(t).data), [[2, 3], [12]]);
  await rejects(() => withSequence.run({ seq: [a], other: [a, a] }), /input 1 is a sequence of 2 but the first input sequence has 1/);
});

test.run();
