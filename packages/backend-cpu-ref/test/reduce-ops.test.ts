// The reduction / linear-algebra family, run kernel by kernel at a chosen opset. Expected values are worked out by
// hand from the ONNX operator definitions.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Tensor, float16ToNumber, kernelsFor, numberToFloat16, pickKernel, readAttributes, type Attribute, type KernelContext,
  type Value,
} from '@onnx-ts/core';
import { cpuRef } from '../src/index.js';

type AttrValue = number | number[] | string;

/** Runs the cpu-ref kernel of `op` at `opset` as a session would: attributes read by its schema. */
function run(op: string, opset: number, inputs: (Value | undefined)[], attrs: Record<string, AttrValue> = {}): Tensor[] {
  const types = inputs.map((v) => (v instanceof Tensor ? v.type : undefined));
  const kernel = pickKernel(kernelsFor(cpuRef, '', op, opset), types);
  if (!kernel) throw new Error(`no cpu-ref kernel for ${op} at opset ${opset} and types ${types.join(', ')}`);
  const attributes: Attribute[] = Object.entries(attrs).map(([name, value]) => ({
    name,
    type: typeof value === 'string' ? 'string' : Array.isArray(value) ? 'ints' : 'int',
    value,
  }));
  const node = { name: 'node', opType: op, domain: 'ai.onnx', inputs: [], outputs: [], attributes };
  const ctx: KernelContext = {
    node, opset, opsets: new Map([['ai.onnx', opset]]), outputCount: 2, outputUsed: [true, true],
    graph: { name: 'g', nodes: [node], inputs: [], outputs: [], initializers: new Map(), sparseInitializers: new Map(), valueInfo: [] },
    runGraph: async () => [],
    checkAllocation: () => undefined,
  };
  return kernel.run(inputs, readAttributes(node, kernel.attrs ?? {}), ctx) as Tensor[];
}

const f32 = (values: number[], dims: number[]) => new Tensor('float32', new Float32Array(values), dims);
const i32 = (values: number[], dims: number[]) => new Tensor('int32', new Int32Array(values), dims);
const i64 = (values: bigint[], dims: number[]) => new Tensor('int64', new BigInt64Array(values), dims);
const axesInput = (...axes: number[]) => i64(axes.map(BigInt), [axes.length]);

function assertClose(t: Tensor, expected: number[], dims: number[], tol = 1e-6): void {
  assert.equal(t.dims, dims);
  const got = [...(t.data as Float32Array)];
  assert.is(got.length, expected.length);
  got.forEach((g, i) => {
    const e = expected[i];
    const ok = Number.isNaN(e) ? Number.isNaN(g) : g === e || Math.abs(g - e) <= tol * Math.max(1, Math.abs(e));
    assert.ok(ok, `element ${i}: got ${g}, expected ${e}`);
  });
}

function assertExact(t: Tensor, type: string, expected: (number | bigint)[], dims: number[]): void {
  assert.is(t.type, type);
  assert.equal(t.dims, dims);
  assert.equal([...(t.data as ArrayLike<number | bigint> & Iterable<number | bigint>)], expected);
}

// ---------------------------------------------------------------------------------------------------------------
const Reduce = suite('Reduce*');
const m23 = () => f32([1, 2, 3, 4, 5, 6], [2, 3]);

Reduce('ReduceSum-13 over an axis input, keepdims and negative axes', () => {
  assertClose(run('ReduceSum', 13, [m23(), axesInput(1)])[0], [6, 15], [2, 1]);
  assertClose(run('ReduceSum', 13, [m23(), axesInput(-2)], { keepdims: 0 })[0], [5, 7, 9], [3]);
});

Reduce('no axes reduces everything unless noop_with_empty_axes', () => {
  assertClose(run('ReduceSum', 13, [m23()])[0], [21], [1, 1]);
  assertClose(run('ReduceSum', 13, [m23(), axesInput()], { keepdims: 0 })[0], [21], []);
  assertClose(run('ReduceSum', 13, [m23(), axesInput()], { noop_with_empty_axes: 1 })[0], [1, 2, 3, 4, 5, 6], [2, 3]);
  // Reducing each element alone still squares it.
  assertClose(run('ReduceSumSquare', 18, [m23()], { noop_with_empty_axes: 1 })[0], [1, 4, 9, 16, 25, 36], [2, 3]);
});

Reduce('older opsets take axes as an attribute, several at once', () => {
  const x = f32([0, 1, 2, 3, 4, 5, 6, 7], [2, 2, 2]);
  // Axes 0 and 2: index j of axis 1 sums x[0,j,0] + x[0,j,1] + x[1,j,0] + x[1,j,1].
  assertClose(run('ReduceSum', 11, [x], { axes: [0, 2], keepdims: 0 })[0], [10, 18], [2]);
  assertClose(run('ReduceMean', 11, [x], { axes: [-1] })[0], [0.5, 2.5, 4.5, 6.5], [2, 2, 1]);
  assertClose(run('ReduceMax', 1, [x])[0], [7], [1, 1, 1]);
});

Reduce('each reduction computes its formula', () => {
  const x = f32([-3, 4], [2]);
  assertClose(run('ReduceL1', 18, [x], { keepdims: 0 })[0], [7], []);
  assertClose(run('ReduceL2', 18, [x], { keepdims: 0 })[0], [5], []);
  assertClose(run('ReduceSumSquare', 18, [x], { keepdims: 0 })[0], [25], []);
  assertClose(run('ReduceProd', 18, [x], { keepdims: 0 })[0], [-12], []);
  assertClose(run('ReduceMin', 18, [x], { keepdims: 0 })[0], [-3], []);
  assertClose(run('ReduceMean', 18, [x], { keepdims: 0 })[0], [0.5], []);
  assertClose(run('ReduceLogSum', 18, [f32([1, Math.E - 1], [2])], { keepdims: 0 })[0], [1], []);
  // log(e^1000 + e^1000) = 1000 + ln 2: exp(1000) alone would overflow.
  assertClose(run('ReduceLogSumExp', 18, [f32([1000, 1000], [2])], { keepdims: 0 })[0], [1000.6931471805599], []);
});

Reduce('reducing a zero-length axis gives each reduction its empty-set value', () => {
  const empty = f32([], [2, 0]);
  const over = (op: string, x: Tensor = empty) => run(op, 18, [x, axesInput(1)])[0];
  assertClose(over('ReduceSum'), [0, 0], [2, 1]);
  assertClose(over('ReduceProd'), [1, 1], [2, 1]);
  assertClose(over('ReduceMax'), [-Infinity, -Infinity], [2, 1]);
  assertClose(over('ReduceMin'), [Infinity, Infinity], [2, 1]);
  assertClose(over('ReduceLogSum'), [-Infinity, -Infinity], [2, 1]);
  assertClose(over('ReduceLogSumExp'), [-Infinity, -Infinity], [2, 1]);
  assertClose(over('ReduceL2'), [0, 0], [2, 1]);
  assertClose(over('ReduceMean'), [NaN, NaN], [2, 1]);
  assertExact(over('ReduceMax', i32([], [2, 0])), 'int32', [-2147483648, -2147483648], [2, 1]);
  assertExact(over('ReduceMin', new Tensor('uint8', new Uint8Array(0), [1, 0])), 'uint8', [255], [1, 1]);
  assert.throws(() => over('ReduceMean', i32([], [2, 0])), /ReduceMean/);
  // A zero-length kept axis leaves nothing to reduce.
  assertClose(run('ReduceSum', 13, [f32([], [0, 3]), axesInput(1)])[0], [], [0, 1]);
});

Reduce('integers: 32-bit sums wrap, means truncate, int64 stays exact', () => {
  assertExact(run('ReduceSum', 13, [i32([2147483647, 1], [2])])[0], 'int32', [-2147483648], [1]);
  assertExact(run('ReduceMean', 18, [i32([1, 2], [2])])[0], 'int32', [1], [1]);
  const big = 2n ** 53n + 1n; // not representable as a double
  assertExact(run('ReduceSum', 13, [i64([big, 1n], [2])])[0], 'int64', [big + 1n], [1]);
  assertExact(run('ReduceMax', 18, [i64([-(2n ** 63n), 2n ** 63n - 1n], [2])])[0], 'int64', [2n ** 63n - 1n], [1]);
  assertExact(run('ReduceProd', 18, [i64([2n ** 32n, 2n ** 32n], [2])])[0], 'int64', [0n], [1]);
  assertExact(run('ReduceL2', 18, [i64([3000000000n, 4000000000n], [2])])[0], 'int64', [5000000000n], [1]);
  assertExact(run('ReduceMean', 18, [i64([big, big + 2n], [2])])[0], 'int64', [big + 1n], [1]);
});

Reduce('ReduceMax/ReduceMin on bool (opset 20) and float16', () => {
  const b = new Tensor('bool', new Uint8Array([1, 0, 0, 0]), [2, 2]);
  assertExact(run('ReduceMax', 20, [b, axesInput(1)])[0], 'bool', [1, 0], [2, 1]);
  assertExact(run('ReduceMin', 20, [b, axesInput(0)], { keepdims: 0 })[0], 'bool', [0, 0], [2]);
  const h = new Tensor('float16', new Uint16Array([1.5, 2.25].map(numberToFloat16)), [2]);
  const sum = run('ReduceSum', 13, [h])[0];
  assert.is(sum.type, 'float16');
  assert.is(float16ToNumber((sum.data as Uint16Array)[0]), 3.75);
});

Reduce('bad axes are refused with the reason', () => {
  assert.throws(() => run('ReduceSum', 13, [m23(), axesInput(2)]), /axis 2 is out of range/);
  assert.throws(() => run('ReduceSum', 11, [m23()], { axes: [1, -1] }), /repeats an axis/);
  assert.throws(() => run('ReduceSum', 13, [m23(), f32([1], [1])]), /axes' must be int64/);
});

Reduce.run();

// ---------------------------------------------------------------------------------------------------------------
const Arg = suite('ArgMax/ArgMin');

Arg('indexes along an axis, keepdims, negative axis', () => {
  const x = f32([2, 1, 3, 10], [2, 2]);
  assertExact(run('ArgMax', 13, [x])[0], 'int64', [1n, 1n], [1, 2]);
  assertExact(run('ArgMax', 13, [x], { axis: -1, keepdims: 0 })[0], 'int64', [0n, 1n], [2]);
  assertExact(run('ArgMin', 13, [x], { axis: 1, keepdims: 0 })[0], 'int64', [1n, 0n], [2]);
});

Arg('ties take the first index, or the last with select_last_index', () => {
  const x = f32([1, 3, 3, 0, 0, 2], [2, 3]);
  assertExact(run('ArgMax', 12, [x], { axis: 1, keepdims: 0 })[0], 'int64', [1n, 2n], [2]);
  assertExact(run('ArgMax', 12, [x], { axis: 1, keepdims: 0, select_last_index: 1 })[0], 'int64', [2n, 2n], [2]);
  assertExact(run('ArgMin', 12, [x], { axis: 1, keepdims: 0, select_last_index: 1 })[0], 'int64', [0n, 1n], [2]);
});

Arg('int64 values compare exactly; an empty axis has no index', () => {
  // 2^62 and 2^62 + 1 are the same double; only an exact comparison picks index 1.
  assertExact(run('ArgMax', 13, [i64([2n ** 62n, 2n ** 62n + 1n], [2])])[0], 'int64', [1n], [1]);
  assert.throws(() => run('ArgMax', 13, [f32([], [2, 0])], { axis: 1 }), /empty/);
});

Arg.run();

// ---------------------------------------------------------------------------------------------------------------
const Soft = suite('Softmax/LogSoftmax/Hardmax');

Soft('Softmax-13 normalizes one axis', () => {
  const den = Math.exp(-2) + Math.exp(-1) + 1;
  const row = [Math.exp(-2) / den, Math.exp(-1) / den, 1 / den];
  assertClose(run('Softmax', 13, [f32([1, 2, 3, 1, 2, 3], [2, 3])])[0], [...row, ...row], [2, 3]);
  // axis 0 of [[0, 0], [ln 3, 0]]: columns normalize to [1/4, 3/4] and [1/2, 1/2].
  assertClose(run('Softmax', 13, [f32([0, 0, Math.log(3), 0], [2, 2])], { axis: 0 })[0], [0.25, 0.5, 0.75, 0.5], [2, 2]);
});

Soft('before opset 13 the input is flattened to 2-D at axis', () => {
  // axis 0: the whole tensor is one row.
  const x = f32([0, 0, Math.log(3), Math.log(3)], [2, 2]);
  assertClose(run('Softmax', 11, [x], { axis: 0 })[0], [0.125, 0.125, 0.375, 0.375], [2, 2]);
  // default axis 1 of a [1, 2, 2] input: the last two axes form one row of four.
  assertClose(run('Softmax', 1, [x.reshape([1, 2, 2])])[0], [0.125, 0.125, 0.375, 0.375], [1, 2, 2]);
  assertClose(run('Hardmax', 11, [f32([1, 2, 4, 3], [2, 2])], { axis: 0 })[0], [0, 0, 1, 0], [2, 2]);
});

Soft('LogSoftmax stays finite for large inputs', () => {
  assertClose(run('LogSoftmax', 13, [f32([1000, 1000], [1, 2])])[0], [-Math.LN2, -Math.LN2], [1, 2]);
});

Soft('Hardmax marks the first maximum', () => {
  assertClose(run('Hardmax', 13, [f32([1, 3, 3, 2, 0, 1], [2, 3])])[0], [0, 1, 0, 1, 0, 0], [2, 3]);
});

Soft('an axis out of range is refused', () => {
  assert.throws(() => run('Softmax', 13, [f32([1, 2], [2])], { axis: 1 }), /axis 1 is out of range/);
});

Soft.run();

// ---------------------------------------------------------------------------------------------------------------
const Scan = suite('CumSum/CumProd');
const vec = () => f32([1, 2, 3], [3]);
const axis0 = () => i32([0], []);

Scan('inclusive, exclusive, reverse and both', () => {
  assertClose(run('CumSum', 14, [vec(), axis0()])[0], [1, 3, 6], [3]);
  assertClose(run('CumSum', 14, [vec(), axis0()], { exclusive: 1 })[0], [0, 1, 3], [3]);
  assertClose(run('CumSum', 14, [vec(), axis0()], { reverse: 1 })[0], [6, 5, 3], [3]);
  assertClose(run('CumSum', 14, [vec(), axis0()], { exclusive: 1, reverse: 1 })[0], [5, 3, 0], [3]);
  assertClose(run('CumProd', 26, [vec(), axis0()], { exclusive: 1, reverse: 1 })[0], [6, 3, 1], [3]);
  assertClose(run('CumProd', 26, [vec(), axis0()])[0], [1, 2, 6], [3]);
});

Scan('along a negative axis of a matrix, int64 exact', () => {
  assertClose(run('CumSum', 11, [m23(), i64([-1n], [1])])[0], [1, 3, 6, 4, 9, 15], [2, 3]);
  assertClose(run('CumSum', 11, [m23(), i64([0n], [])])[0], [1, 2, 3, 5, 7, 9], [2, 3]);
  const big = 2n ** 53n;
  assertExact(run('CumSum', 14, [i64([big, 1n], [2]), axis0()])[0], 'int64', [big, big + 1n], [2]);
});

Scan('a bad axis input is refused', () => {
  assert.throws(() => run('CumSum', 14, [vec(), i32([1], [])]), /axis 1 is out of range/);
  assert.throws(() => run('CumSum', 14, [vec(), i32([0, 0], [2])]), /exactly one value/);
  assert.throws(() => run('CumSum', 14, [vec(), [axis0()]]), /input 'axis' must be a tensor, got a sequence/);
});

Scan.run();

// ---------------------------------------------------------------------------------------------------------------
const Top = suite('TopK');
const rows = () => f32([1, 3, 2, 4, 4, 0], [2, 3]);

Top('largest k along the last axis, equal values by lower index', () => {
  const [values, indexes] = run('TopK', 11, [rows(), i64([2n], [1])]);
  assertClose(values, [3, 2, 4, 4], [2, 2]);
  assertExact(indexes, 'int64', [1n, 2n, 0n, 1n], [2, 2]);
});

Top('smallest, along axis 0, and k as an attribute in opset 1', () => {
  const [values, indexes] = run('TopK', 11, [rows(), i64([2n], [1])], { largest: 0 });
  assertClose(values, [1, 2, 0, 4], [2, 2]);
  assertExact(indexes, 'int64', [0n, 2n, 2n, 0n], [2, 2]);
  const [v0, i0] = run('TopK', 11, [rows(), i64([1n], [1])], { axis: 0 });
  assertClose(v0, [4, 4, 2], [1, 3]);
  assertExact(i0, 'int64', [1n, 1n, 0n], [1, 3]);
  assertClose(run('TopK', 1, [rows()], { k: 1 })[0], [3, 4], [2, 1]);
});

Top('NaN ranks above every number; k out of range is refused', () => {
  const [values, indexes] = run('TopK', 11, [f32([1, NaN, 3], [3]), i64([2n], [1])]);
  assertClose(values, [NaN, 3], [2]);
  assertExact(indexes, 'int64', [1n, 2n], [2]);
  assert.throws(() => run('TopK', 11, [rows(), i64([4n], [1])]), /k must be between 0 and the axis length 3/);
});

Top('uint64 values beyond 2^53 keep their order', () => {
  const x = new Tensor('uint64', new BigUint64Array([2n ** 60n, 2n ** 60n + 1n, 5n]), [3]);
  const [values, indexes] = run('TopK', 11, [x, i64([2n], [1])]);
  assertExact(values, 'uint64', [2n ** 60n + 1n, 2n ** 60n], [2]);
  assertExact(indexes, 'int64', [1n, 0n], [2]);
});

Top.run();

// ---------------------------------------------------------------------------------------------------------------
const Mat = suite('MatMul');

Mat('2-D product', () => {
  const a = f32([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = f32([7, 8, 9, 10, 11, 12], [3, 2]);
  assertClose(run('MatMul', 13, [a, b])[0], [58, 64, 139, 154], [2, 2]);
});

Mat('1-D operands are promoted and their unit dim dropped', () => {
  assertClose(run('MatMul', 13, [f32([1, 2, 3], [3]), f32([4, 5, 6], [3])])[0], [32], []);
  assertClose(run('MatMul', 13, [f32([1, 2], [2]), f32([1, 2, 3, 4], [2, 2])])[0], [7, 10], [2]);
  assertClose(run('MatMul', 13, [f32([1, 2, 3, 4], [2, 2]), f32([1, 1], [2])])[0], [3, 7], [2]);
});

Mat('batch dims broadcast like numpy', () => {
  // A holds rows [1, 0] and [0, 1]; B columns [1, 2], [3, 4], [5, 6]: each product picks one entry of a column.
  const a = f32([1, 0, 0, 1], [2, 1, 1, 2]);
  const b = f32([1, 2, 3, 4, 5, 6], [3, 2, 1]);
  assertClose(run('MatMul', 13, [a, b])[0], [1, 3, 5, 2, 4, 6], [2, 3, 1, 1]);
});

Mat('integers: int32 wraps, int64 is exact, float16 decodes', () => {
  assertExact(run('MatMul', 13, [i32([65536], [1, 1]), i32([65536], [1, 1])])[0], 'int32', [0], [1, 1]);
  const r = 3037000499n; // r² = 9223372030926249001, just below 2^63
  assertExact(run('MatMul', 13, [i64([r], [1, 1]), i64([r], [1, 1])])[0], 'int64', [9223372030926249001n], [1, 1]);
  const h = (v: number[], dims: number[]) => new Tensor('float16', new Uint16Array(v.map(numberToFloat16)), dims);
  const out = run('MatMul', 13, [h([1, 2], [1, 2]), h([3, 4], [2, 1])])[0];
  assert.is(out.type, 'float16');
  assert.is(float16ToNumber((out.data as Uint16Array)[0]), 11);
});

Mat('mismatched shapes and types are refused', () => {
  assert.throws(() => run('MatMul', 13, [f32([1, 2, 3], [1, 3]), f32([1, 2], [2, 1])]), /inner dimensions differ/);
  assert.throws(() => run('MatMul', 13, [f32([1], [1, 1]), new Tensor('float64', new Float64Array([1]), [1, 1])]), /must match/);
  assert.throws(() => run('MatMul', 13, [f32([1, 2, 3, 4], [2, 1, 2]), f32([1, 2, 3, 4, 5, 6], [3, 2, 1])]), /broadcast/);
  assert.throws(() => run('MatMul', 13, [f32([1], [1, 1]), undefined]), /input 'B' must be a tensor, got nothing/);
});

Mat.run();

// ---------------------------------------------------------------------------------------------------------------
const Det = suite('Det');

Det('determinants of a batch, with row exchanges and a singular matrix', () => {
  const x = f32([1, 2, 3, 4, 2, 0, 0, 3, 1, 2, 2, 4], [3, 2, 2]);
  assertClose(run('Det', 11, [x])[0], [-2, 6, 0], [3]);
  // A permutation matrix swapping two rows has determinant -1; its first pivot is zero.
  assertClose(run('Det', 22, [f32([0, 1, 0, 1, 0, 0, 0, 0, 1], [3, 3])])[0], [-1], []);
});

Det('a non-square input is refused', () => {
  assert.throws(() => run('Det', 11, [f32([1, 2, 3, 4, 5, 6], [2, 3])]), /square/);
});

Det.run();

// ---------------------------------------------------------------------------------------------------------------
const Ein = suite('Einsum');
const einsum = (equation: string, ...inputs: Tensor[]) => run('Einsum', 12, inputs, { equation })[0];
const sq = () => f32([1, 2, 3, 4], [2, 2]);

Ein('matrix product, explicit and implicit', () => {
  const b = f32([5, 6, 7, 8], [2, 2]);
  assertClose(einsum('ij,jk->ik', sq(), b), [19, 22, 43, 50], [2, 2]);
  assertClose(einsum('ij, jk', sq(), b), [19, 22, 43, 50], [2, 2]);
  assertClose(einsum('ij,jk->ki', sq(), b), [19, 43, 22, 50], [2, 2]);
});

Ein('repeated labels take diagonals; implicit output sums them', () => {
  assertClose(einsum('ii->i', sq()), [1, 4], [2]);
  assertClose(einsum('ii', sq()), [5], []);
  assertClose(einsum('ij->', sq()), [10], []);
  assertClose(einsum('i,i', f32([1, 2, 3], [3]), f32([4, 5, 6], [3])), [32], []);
});

Ein('ellipsis broadcasts leading dims', () => {
  const batch = f32([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
  assertClose(einsum('...ij->...ji', batch), [1, 3, 2, 4, 5, 7, 6, 8], [2, 2, 2]);
  // Each row of a [2, 3] dotted with one shared [3] vector.
  assertClose(einsum('...i,...i->...', m23(), f32([1, 0, -1], [3])), [-2, -2], [2]);
  assertClose(einsum('...ii->...i', batch), [1, 4, 5, 8], [2, 2]);
});

Ein('implicit output orders labels by ASCII: upper case first', () => {
  assertClose(einsum('aB', f32([1, 2, 3], [1, 3])), [1, 2, 3], [3, 1]);
});

Ein('integers: int64 is exact', () => {
  const r = 3037000499n;
  assertExact(run('Einsum', 12, [i64([r], [1]), i64([r], [1])], { equation: 'i,i->' })[0], 'int64', [9223372030926249001n], []);
});

Ein('malformed equations are refused', () => {
  assert.throws(() => einsum('ij,jk->ik', sq()), /2 input terms but the node has 1 inputs/);
  assert.throws(() => einsum('ijk->i', sq()), /does not match input 0 of rank 2/);
  assert.throws(() => einsum('ij,jk->ik', sq(), f32([1, 2, 3], [3, 1])), /label 'j' has size 2 elsewhere but 3/);
  assert.throws(() => einsum('ij->iz', sq()), /'z' appears in no input/);
  assert.throws(() => einsum('i.j', sq()), /malformed ellipsis/);
});

Ein.run();
