/** Seeded random input samples, for calibration and error reports when no real inputs are at hand. */
import { Tensor, type Model, type Value } from '@onnx-ts/core';
import { fromNumbers, seededUniform } from '@onnx-ts/backend-cpu-ref';

export { seededUniform };

/**
 * `count` feeds for the model's inputs: floats uniform in [0, 1), integers in [0, 4), symbolic dims set to
 * `dims[name]` or 1. Throws naming an input whose type or rank is not declared.
 */
export function randomSamples(model: Model, count: number, seed = 1, dims: Record<string, number> = {}): Record<string, Value>[] {
  const g = model.graph;
  const initializers = new Set(g.initializers.keys());
  const inputs = g.inputs.filter((v) => !initializers.has(v.name));
  const random = seededUniform(seed);
  return Array.from({ length: count }, () => {
    const feeds: Record<string, Value> = {};
    for (const v of inputs) {
      if (v.type?.kind !== 'tensor' || !v.type.shape) throw new Error(`random samples: input '${v.name}' has no declared tensor type and shape`);
      const type = v.type.elemType;
      const shape = v.type.shape.map((d) => (typeof d === 'number' ? d : (d !== null && dims[d]) || 1));
      const n = shape.reduce((a, b) => a * b, 1);
      const isFloat = type.startsWith('float') || type === 'bfloat16';
      const values = Float64Array.from({ length: n }, () => (isFloat ? random() : Math.floor(random() * 4)));
      feeds[v.name] = type === 'float32' ? new Tensor('float32', Float32Array.from(values), shape) : fromNumbers(type, values, shape);
    }
    return feeds;
  });
}
