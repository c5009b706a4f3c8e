import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  GraphBuilder, InferenceSession, Tensor, buildModel, decodeModel, decodeTensor, inferFacts, type Dim, type Model,
} from '@onnx-ts/core';
import '../src/index.js';

const ints = (values: number[]) => new Tensor('int64', BigInt64Array.from(values.map(BigInt)), [values.length]);
const weights = (dims: number[]) => new Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);

/**
 * X [N, 3, 32, 32] → Conv 8×3×3×3 (pads 1) → Relu → MaxPool 2×2 stride 2 → [N, 8, 16, 16];
 * then a reshape to [N, -1] whose target is computed from Shape(X), and Gemm with W [10, 2048] (transB) → Softmax.
 */
function cnn(outputShape?: Dim[]): Model {
  const g = new GraphBuilder('cnn');
  g.input('X', 'float32', ['N', 3, 32, 32]);
  g.initializer('W', weights([8, 3, 3, 3]));
  g.initializer('FC', weights([10, 2048]));
  g.initializer('zero', ints([0]));
  g.initializer('minus_one', ints([-1]));
  const conv = g.node('Conv', ['X', 'W'], { pads: [1, 1, 1, 1] }, { outputs: ['conv'], name: 'conv' })[0];
  const pooled = g.op('MaxPool', [g.op('Relu', [conv])], { kernel_shape: [2, 2], strides: [2, 2] });
  const batch = g.op('Gather', [g.op('Shape', ['X']), 'zero']);
  const target = g.op('Concat', [batch, 'minus_one'], { axis: 0 });
  const flat = g.op('Reshape', [pooled, target]);
  const logits = g.op('Gemm', [flat, 'FC'], { transB: 1 });
  g.node('Softmax', [logits], { axis: 1 }, { outputs: ['probs'], name: 'softmax' });
  g.output('probs', outputShape ? 'float32' : undefined, outputShape);
  return buildModel(g.build(), { '': 17 });
}

test('symbolic batch dim flows through Conv, pooling, a computed Reshape target and Gemm', () => {
  const model = cnn();
  const facts = inferFacts(model.graph, model.opsetImports);
  const byOp = (op: string) => facts.get(model.graph.nodes.find((n) => n.opType === op)!.outputs[0]);
  assert.equal(byOp('Conv')?.shape, ['N', 8, 32, 32]);
  assert.equal(byOp('MaxPool')?.shape, ['N', 8, 16, 16]);
  assert.equal(byOp('Concat')?.value, ['N', -1]);
  assert.equal(byOp('Reshape')?.shape, ['N', 2048]);
  assert.is(facts.get('probs')?.type, 'float32');
  assert.equal(facts.get('probs')?.shape, ['N', 10]);
});

test('session fills undeclared output metadata from inference and runs with any batch', async () => {
  const s = await InferenceSession.create(cnn(), { executionProviders: ['cpu-ref'], graphOptimizationLevel: 'disabled' });
  assert.equal(s.outputMetadata[0].shape, ['N', 10]);
  assert.equal(s.memoryPlan.dynamicValues.includes('conv'), true);
  const out = await s.run({ X: new Tensor('float32', new Float32Array(3 * 3 * 32 * 32), [3, 3, 32, 32]) });
  assert.equal((out.probs as Tensor).dims, [3, 10]);
});

test('a declared output shape the nodes cannot produce is rejected at create', async () => {
  try {
    await InferenceSession.create(cnn(['N', 12]), { executionProviders: ['cpu-ref'], graphOptimizationLevel: 'disabled' });
    assert.unreachable('create succeeded');
  } catch (e) {
    assert.match((e as Error).message, /'probs' is declared \[N, 12\] but Softmax node 'softmax' produces \[N, 10\]/);
  }
});

const lightDir = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../../../shared/onnx-backend-test-data/light');
const lightModels = existsSync(lightDir) ? readdirSync(lightDir).filter((f) => f.endsWith('.onnx')) : [];

test('light models: inference alone gives every intermediate a static shape, outputs equal to the expected ones', async () => {
  assert.ok(lightModels.length > 0, `no light models in ${lightDir}`);
  for (const file of lightModels) {
    const model = decodeModel(readFileSync(join(lightDir, file)));
    // Forget the declared output types so only inference can fill the metadata.
    model.graph = { ...model.graph, outputs: model.graph.outputs.map((o) => ({ name: o.name })) };
    const s = await InferenceSession.create(model, { executionProviders: ['cpu-ref'], graphOptimizationLevel: 'disabled' });
    const expected = decodeTensor(readFileSync(join(lightDir, file.replace(/\.onnx$/, '_output_0.pb'))));
    assert.equal(s.outputMetadata[0].shape, expected.dims, file);
    assert.is(s.outputMetadata[0].type, expected.type, file);
    assert.equal(s.memoryPlan.dynamicValues, [], file);
    assert.ok(s.memoryPlan.peakBytes > 0, file);
  }
});

const suitesRoot = resolve(lightDir, '..');

test('suite models: every output shape inference makes static, with declarations removed, equals the expected output', () => {
  let checked = 0;
  const wrong: string[] = [];
  for (const suite of ['node', 'simple', 'pytorch-converted', 'pytorch-operator']) {
    const dir = join(suitesRoot, suite);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const modelPath = join(dir, name, 'model.onnx');
      if (!existsSync(modelPath)) continue;
      const model = decodeModel(readFileSync(modelPath));
      const graph = { ...model.graph, outputs: model.graph.outputs.map((o) => ({ name: o.name })), valueInfo: [] };
      const facts = inferFacts(graph, model.opsetImports);
      graph.outputs.forEach((o, i) => {
        const f = facts.get(o.name);
        if (!f?.shape?.every((d) => typeof d === 'number')) return;
        const expected = decodeTensor(readFileSync(join(dir, name, 'test_data_set_0', `output_${i}.pb`)));
        checked++;
        if (f.type !== expected.type || f.shape.join() !== expected.dims.join()) {
          wrong.push(`${suite}/${name} '${o.name}': inferred ${f.type} [${f.shape}], expected ${expected.type} [${expected.dims}]`);
        }
      });
    }
  }
  assert.equal(wrong, []);
  // Most outputs of the suites have static shapes that inference should find (1478 of 2326 when this was written).
  assert.ok(checked > 1400, `only ${checked} outputs inferred static`);
});

test.run();
