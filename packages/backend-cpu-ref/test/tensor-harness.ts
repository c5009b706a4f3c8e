/**
 * Runs one node through a real InferenceSession on the cpu-ref backend, so the tensor-op tests exercise attribute
 * reading and opset dispatch as a model would.
 */
import { InferenceSession, Tensor, type Attribute, type AttributeValue, type Model, type SparseTensor, type Value } from '@onnx-ts/core';
import * as assert from 'uvu/assert';
import '../src/index.js';

export interface NodeOptions {
  opset?: number;
  /** How many outputs the node declares (default 1). */
  outputs?: number;
}

function attributeOf(name: string, value: AttributeValue): Attribute {
  if (value instanceof Tensor) return { name, type: 'tensor', value };
  if (typeof value === 'string') return { name, type: 'string', value };
  if (typeof value === 'number') return { name, type: Number.isInteger(value) ? 'int' : 'float', value };
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return { name, type: 'strings', value };
    return { name, type: (value as number[]).every(Number.isInteger) ? 'ints' : 'floats', value };
  }
  if ('indices' in (value as object)) return { name, type: 'sparse_tensor', value: value as SparseTensor };
  throw new Error(`test harness: cannot encode attribute '${name}'`);
}

/** Runs `op` on the inputs (undefined = omitted optional input) and returns its outputs in order. */
export async function runNode(
  op: string, inputs: readonly (Value | undefined)[], attrs: Record<string, AttributeValue> = {}, options: NodeOptions = {},
): Promise<Value[]> {
  const inputNames = inputs.map((v, i) => (v === undefined ? '' : `in${i}`));
  const outputNames = Array.from({ length: options.outputs ?? 1 }, (_, i) => `out${i}`);
  const model: Model = {
    irVersion: 10,
    opsetImports: new Map([['ai.onnx', options.opset ?? 25]]),
    functions: [],
    metadata: new Map(),
    graph: {
      name: 'test',
      nodes: [{
        name: 'node', opType: op, domain: 'ai.onnx', inputs: inputNames, outputs: outputNames,
        attributes: Object.entries(attrs).map(([name, value]) => attributeOf(name, value)),
      }],
      inputs: inputNames.filter((n) => n !== '').map((name) => ({ name })),
      outputs: outputNames.map((name) => ({ name })),
      initializers: new Map(),
      sparseInitializers: new Map(),
      valueInfo: [],
    },
  };
  const session = await InferenceSession.create(model, { executionProviders: ['cpu-ref'], graphOptimizationLevel: 'disabled' });
  const feeds: Record<string, Value> = {};
  inputs.forEach((v, i) => { if (v !== undefined) feeds[`in${i}`] = v; });
  const result = await session.run(feeds);
  return outputNames.map((n) => result[n]);
}

/** The first output, which must be a tensor. */
export async function runTensor(
  op: string, inputs: readonly (Value | undefined)[], attrs: Record<string, AttributeValue> = {}, options: NodeOptions = {},
): Promise<Tensor> {
  const [out] = await runNode(op, inputs, attrs, options);
  if (!(out instanceof Tensor)) throw new Error(`${op} returned a non-tensor`);
  return out;
}

export const f32 = (values: number[], dims: number[] = [values.length]): Tensor => new Tensor('float32', Float32Array.from(values), dims);
export const i64 = (values: (number | bigint)[], dims: number[] = [values.length]): Tensor =>
  new Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), dims);
export const i32 = (values: number[], dims: number[] = [values.length]): Tensor => new Tensor('int32', Int32Array.from(values), dims);
export const str = (values: string[], dims: number[] = [values.length]): Tensor => new Tensor('string', values, dims);
export const bool = (values: boolean[], dims: number[] = [values.length]): Tensor =>
  new Tensor('bool', Uint8Array.from(values, Number), dims);

/** A tensor's dims and elements as plain arrays (bigints kept), for deep comparison. */
export function plain(t: Value): { dims: number[]; data: unknown[] } {
  if (!(t instanceof Tensor)) throw new Error('expected a tensor');
  return { dims: [...t.dims], data: Array.from(t.data as ArrayLike<unknown>) };
}

/** Asserts that `run` rejects with a message matching `pattern`. */
export async function rejects(run: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await run();
  } catch (e) {
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable('expected an error');
}
