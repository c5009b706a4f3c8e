/** The model `onnx-ts` runs with no arguments: a small CNN built in code, weights from a seeded generator. */
import { GraphBuilder, Tensor, buildModel, type Model } from '@onnx-ts/core';
import { seededRandom } from './random.js';

export const DEMO_INPUT = { name: 'image', dims: [1, 3, 16, 16] };
export const DEMO_OUTPUT = 'probabilities';
export const DEMO_CLASSES = 10;

export function buildDemoModel(seed = 42): Model {
  const random = seededRandom(seed);
  // Uniform in ±sqrt(6 / fanIn) keeps activations of a Relu network in a sensible range.
  const weights = (dims: number[], fanIn: number): Tensor => {
    const bound = Math.sqrt(6 / fanIn);
    const count = dims.reduce((a, b) => a * b, 1);
    return new Tensor('float32', Float32Array.from({ length: count }, () => (2 * random() - 1) * bound), dims);
  };
  const bias = (n: number): Tensor => new Tensor('float32', Float32Array.from({ length: n }, () => 0.1 * (2 * random() - 1)), [n]);

  const g = new GraphBuilder('onnx_ts_demo_cnn');
  const image = g.input(DEMO_INPUT.name, 'float32', DEMO_INPUT.dims);
  const conv3x3 = { kernel_shape: [3, 3], pads: [1, 1, 1, 1] };
  const c1 = g.op('Conv', [image, g.initializer('conv1.weight', weights([8, 3, 3, 3], 27)), g.initializer('conv1.bias', bias(8))], conv3x3);
  const p1 = g.op('MaxPool', [g.op('Relu', [c1])], { kernel_shape: [2, 2], strides: [2, 2] });
  const c2 = g.op('Conv', [p1, g.initializer('conv2.weight', weights([16, 8, 3, 3], 72)), g.initializer('conv2.bias', bias(16))], conv3x3);
  const pooled = g.op('GlobalAveragePool', [g.op('Relu', [c2])]);
  const features = g.op('Flatten', [pooled], { axis: 1 });
  const logits = g.op('Gemm', [features, g.initializer('fc.weight', weights([DEMO_CLASSES, 16], 16)), g.initializer('fc.bias', bias(DEMO_CLASSES))], { transB: 1 });
  g.node('Softmax', [logits], { axis: -1 }, { outputs: [DEMO_OUTPUT] });
  g.output(DEMO_OUTPUT, 'float32', [1, DEMO_CLASSES]);
  return buildModel(g.build(), { 'ai.onnx': 21 });
}
