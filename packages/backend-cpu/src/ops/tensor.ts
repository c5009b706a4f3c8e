/** Concat of float32 tensors as block copies, and ConstantOfShape reusing its (constant) result across runs. */
import { shapeSize, type KernelInputs, type Tensor, type Value } from '@onnx-ts/core';
import { accelerate, floatInput, floatTensor, wrapReference } from './accelerate.js';

function concat(inputs: KernelInputs, axis: number): Value[] | undefined {
  const xs = inputs.map((_, i) => floatInput(inputs, i));
  const first = xs[0];
  if (!first || xs.some((x) => !x)) return undefined;
  const rank = first.dims.length;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) return undefined;
  const at = axis < 0 ? axis + rank : axis;
  const parts = xs as Tensor<'float32'>[];
  if (parts.some((x) => x.dims.length !== rank || x.dims.some((d, i) => i !== at && d !== first.dims[i]))) return undefined;
  const outDims = [...first.dims];
  outDims[at] = parts.reduce((n, x) => n + x.dims[at], 0);
  const outer = shapeSize(first.dims.slice(0, at));
  const out = new Float32Array(shapeSize(outDims));
  const chunks = parts.map((x) => shapeSize(x.dims.slice(at)));
  const row = chunks.reduce((n, c) => n + c, 0);
  for (let o = 0; o < outer; o++) {
    let offset = o * row;
    parts.forEach((x, i) => {
      out.set(x.data.subarray(o * chunks[i], (o + 1) * chunks[i]), offset);
      offset += chunks[i];
    });
  }
  return [floatTensor(out, outDims)];
}

/**
 * ConstantOfShape's output depends only on its attribute and the shape, so a node hands back the tensor of its last
 * run when the shape is unchanged: weights generated this way keep their identity, and with it their packed form.
 * Keyed by the node's attribute object, which the session reads once per node and keeps for its lifetime. Small
 * outputs are cheaper to rebuild than to share.
 */
const REUSE_MIN_ELEMENTS = 4096;
const lastOutput = new WeakMap<object, { shape: string; value: Value }>();

export default [
  ...accelerate('Concat', (inputs, a) => concat(inputs, a.axis)),
  ...wrapReference('ConstantOfShape', async (inputs, attrs, _ctx, run) => {
    const shape = inputs[0];
    const key = shape && 'data' in (shape as object) ? String((shape as Tensor).data) : undefined;
    const last = lastOutput.get(attrs);
    if (key !== undefined && last?.shape === key) return [last.value];
    const [value] = await run();
    if (key !== undefined && (value as Tensor).size >= REUSE_MIN_ELEMENTS) lastOutput.set(attrs, { shape: key, value });
    return [value];
  }),
];
