import { Tensor, attr, decodeFloatCode, defineKernel, dtypeCode, encodeFloatCode, isEncodedFloat, type DType, type KernelContext, type KernelInputs } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../util/elementwise.js';
import { tensorInput } from './args.js';

const FLOAT32_CODE = 1;

function scalars(inputs: KernelInputs): Tensor[] {
  const names = ['start', 'limit', 'delta'];
  const ts = names.map((name, i) => tensorInput('Range', inputs, i, name));
  ts.forEach((t, i) => {
    if (t.size !== 1) throw new Error(`Range: '${names[i]}' must be a scalar, got shape [${t.dims.join(', ')}]`);
    if (t.type !== ts[0].type) throw new Error(`Range: '${names[i]}' is ${t.type}, 'start' is ${ts[0].type}`);
  });
  return ts;
}

/** int64 in bigint: count = max(ceil((limit - start) / delta), 0) without leaving integers. */
function rangeBigInt([start, limit, delta]: bigint[], ctx: KernelContext): Tensor {
  if (delta === 0n) throw new Error(`Range: 'delta' is 0`);
  const diff = limit - start;
  let count = diff / delta;
  if (diff % delta !== 0n && diff > 0n === delta > 0n) count += 1n;
  const n = count > 0n ? Number(count) : 0;
  ctx.checkAllocation('int64', n);
  const out = new BigInt64Array(n);
  for (let i = 0; i < n; i++) out[i] = start + BigInt(i) * delta;
  return new Tensor('int64', out, [n]);
}

/**
 * Every other type as numbers, each step rounded to `round` (the element type's precision, or the stash type's for
 * float16/bfloat16), so the count and values are those of arithmetic in that type.
 */
function rangeNumbers(type: DType, [start, limit, delta]: number[], round: (v: number) => number, ctx: KernelContext): Tensor {
  if (delta === 0) throw new Error(`Range: 'delta' is 0`);
  const n = Math.max(0, Math.ceil(round(round(limit - start) / delta)));
  if (!Number.isFinite(n)) throw new Error(`Range: start ${start}, limit ${limit}, delta ${delta} give no finite length`);
  ctx.checkAllocation(type, n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = round(start + round(i * delta));
  return fromNumbers(type, values, [n]);
}

function roundingFor(type: DType, stashType: number): (v: number) => number {
  if (type === 'float32') return Math.fround;
  if (!isEncodedFloat(type)) return (v) => v;
  if (stashType === FLOAT32_CODE) return Math.fround;
  if (stashType === dtypeCode(type)) return (v) => decodeFloatCode(type, encodeFloatCode(type, v));
  throw new Error(`Range: stash_type ${stashType} is neither float (1) nor the input type ${type}`);
}

function range(inputs: KernelInputs, stashType: number, ctx: KernelContext): Tensor[] {
  const ts = scalars(inputs);
  const type = ts[0].type;
  if (type === 'int64') return [rangeBigInt(ts.map((t) => (t.data as BigInt64Array)[0]), ctx)];
  return [rangeNumbers(type, ts.map((t) => toNumbers(t)[0]), roundingFor(type, stashType), ctx)];
}

const RANGE_11_TYPES: DType[] = ['float32', 'float64', 'int16', 'int32', 'int64'];

export default [
  defineKernel({
    op: 'Range', since: 11, until: 26, dtypes: RANGE_11_TYPES,
    run: (inputs, _attrs, ctx) => range(inputs, FLOAT32_CODE, ctx),
  }),
  defineKernel({
    op: 'Range', since: 27, dtypes: [...RANGE_11_TYPES, 'float16', 'bfloat16'],
    attrs: { stash_type: attr.int(FLOAT32_CODE) },
    run: (inputs, { stash_type }, ctx) => range(inputs, stash_type, ctx),
  }),
];
