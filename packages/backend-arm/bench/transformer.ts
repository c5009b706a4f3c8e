/**
 * A small transformer encoder built with GraphBuilder (float32, seeded weights): pre-norm layers of multi-head
 * self-attention and a ReLU feed-forward block, MatMul/Add/Softmax/LayerNormalization/Transpose/Reshape only.
 */
import { GraphBuilder, Tensor, buildModel, type Model } from '@onnx-ts/core';
import { seededUniform } from '@onnx-ts/backend-cpu-ref';

export interface EncoderShape {
  /** Sequence length. */
  tokens: number;
  /** Model width. */
  width: number;
  heads: number;
  /** Feed-forward width. */
  hidden: number;
  layers: number;
}

export const SMALL_ENCODER: EncoderShape = { tokens: 64, width: 256, heads: 4, hidden: 1024, layers: 4 };

/** Seeded uniform values in [-limit, limit). */
function uniform(seed: number, count: number, limit: number): Float32Array {
  const next = seededUniform(seed);
  return Float32Array.from({ length: count }, () => (next() * 2 - 1) * limit);
}

export function buildEncoder(shape: EncoderShape = SMALL_ENCODER, seed = 7): Model {
  const { tokens, width, heads, hidden, layers } = shape;
  if (width % heads !== 0) throw new Error(`buildEncoder: width ${width} is not a multiple of heads ${heads}`);
  const headWidth = width / heads;
  const g = new GraphBuilder('encoder');
  let seedNext = seed;
  const weight = (name: string, dims: number[]): string => {
    const fanIn = dims[0];
    return g.initializer(name, new Tensor('float32', uniform(seedNext++, dims[0] * (dims[1] ?? 1), 1 / Math.sqrt(fanIn)), dims));
  };
  const constant = (name: string, values: number[], dims: number[] = [values.length]): string => g.initializer(name, new Tensor('float32', values, dims));
  const shapeOf = (name: string, dims: number[]): string => g.initializer(name, new Tensor('int64', dims.map(BigInt), [dims.length]));
  const ones = new Array(width).fill(1);
  const zeros = new Array(width).fill(0);
  const splitHeads = shapeOf('split_heads', [1, tokens, heads, headWidth]);
  const mergeHeads = shapeOf('merge_heads', [1, tokens, width]);
  const scale = constant('attention_scale', [1 / Math.sqrt(headWidth)], []);
  let x = g.input('tokens', 'float32', [1, tokens, width]);
  const norm = (input: string, name: string): string => g.op('LayerNormalization', [input, constant(`${name}_gamma`, ones), constant(`${name}_beta`, zeros)], { axis: -1, epsilon: 1e-5 });
  const dense = (input: string, name: string, inWidth: number, outWidth: number): string =>
    g.op('Add', [g.op('MatMul', [input, weight(`${name}_w`, [inWidth, outWidth])]), constant(`${name}_b`, Array.from(uniform(seedNext++, outWidth, 0.02)))]);
  for (let l = 0; l < layers; l++) {
    const h = norm(x, `l${l}_norm1`);
    const heads4 = (name: string, perm: number[]): string => g.op('Transpose', [g.op('Reshape', [dense(h, `l${l}_${name}`, width, width), splitHeads])], { perm });
    const q = heads4('q', [0, 2, 1, 3]);
    const k = heads4('k', [0, 2, 3, 1]);
    const v = heads4('v', [0, 2, 1, 3]);
    const scores = g.op('Softmax', [g.op('Mul', [g.op('MatMul', [q, k]), scale])], { axis: -1 });
    const context = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [scores, v])], { perm: [0, 2, 1, 3] }), mergeHeads]);
    x = g.op('Add', [x, dense(context, `l${l}_out`, width, width)]);
    const f = dense(g.op('Relu', [dense(norm(x, `l${l}_norm2`), `l${l}_ff1`, width, hidden)]), `l${l}_ff2`, hidden, width);
    x = g.op('Add', [x, f]);
  }
  g.output(norm(x, 'final_norm'), 'float32', [1, tokens, width]);
  return buildModel(g.build(), { 'ai.onnx': 17 });
}

/** A seeded input for the encoder. */
export function encoderInput(shape: EncoderShape = SMALL_ENCODER, seed = 3): Record<string, Tensor> {
  return { tokens: new Tensor('float32', uniform(seed, shape.tokens * shape.width, 1), [1, shape.tokens, shape.width]) };
}
