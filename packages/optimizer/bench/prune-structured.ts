/**
 * `pnpm --filter @onnx-ts/optimizer bench:prune [--runs N]`: structured pruning (sparsity 0.5) of three 3×3 Conv
 * layers of 64 channels at 56×56 with BatchNormalization and Relu, then GlobalAveragePool + Gemm, seeded random
 * weights. Prints parameters, file size and the cpu-ref time per run of the model before and after (median process
 * CPU and wall time, timed alternately: see timing.ts).
 */
import { parseArgs } from 'node:util';
import { GraphBuilder, InferenceSession, Tensor, buildModel, saveModel, type Model } from '@onnx-ts/core';
import '@onnx-ts/backend-cpu-ref';
import { prune, seededUniform } from '../src/index.js';
import { timeAlternately } from './timing.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: expected an integer >= 1`);

const CHANNELS = 64;
const SIZE = 56;

function uniform(dims: number[], seed: number, lo: number, hi: number): Tensor {
  const r = seededUniform(seed);
  return new Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => lo + (hi - lo) * r()), dims);
}

function convNet(): Model {
  const g = new GraphBuilder('three_convs');
  g.input('x', 'float32', [1, CHANNELS, SIZE, SIZE]);
  let x = 'x';
  for (let layer = 0; layer < 3; layer++) {
    const p = `c${layer}`;
    g.initializer(`${p}_w`, uniform([CHANNELS, CHANNELS, 3, 3], 10 * layer + 1, -0.05, 0.05));
    g.initializer(`${p}_scale`, uniform([CHANNELS], 10 * layer + 2, 0.5, 1.5));
    g.initializer(`${p}_bias`, uniform([CHANNELS], 10 * layer + 3, -0.1, 0.1));
    g.initializer(`${p}_mean`, uniform([CHANNELS], 10 * layer + 4, -0.1, 0.1));
    g.initializer(`${p}_var`, uniform([CHANNELS], 10 * layer + 5, 0.5, 1.5));
    const conv = g.op('Conv', [x, `${p}_w`], { pads: [1, 1, 1, 1] });
    x = g.op('Relu', [g.op('BatchNormalization', [conv, `${p}_scale`, `${p}_bias`, `${p}_mean`, `${p}_var`])]);
  }
  g.initializer('fc', uniform([10, CHANNELS], 99, -0.2, 0.2));
  g.node('Gemm', [g.op('Flatten', [g.op('GlobalAveragePool', [x])]), 'fc'], { transB: 1 }, { outputs: ['y'] });
  g.output('y', 'float32', [1, 10]);
  return buildModel(g.build(), { 'ai.onnx': 13 });
}

const model = convNet();
const { model: pruned, report } = prune(model, { sparsity: 0.5, structured: true });
const variants = [model, pruned];
const sessions = await Promise.all(variants.map((m) => InferenceSession.create(m, { executionProviders: ['cpu-ref'], graphOptimizationLevel: 'disabled' })));
const feeds = { x: uniform([1, CHANNELS, SIZE, SIZE], 7, -1, 1) };
const { wall, cpu } = await timeAlternately(sessions, feeds, runs);
console.log(`channels per layer: ${report.tensors.map((t) => `${t.channelsBefore} → ${t.channelsAfter}`).join(', ')}`);
console.log(`parameters ${report.parametersBefore} → ${report.parametersAfter}; file ${saveModel(model).length} → ${saveModel(pruned).length} bytes`);
console.log(`cpu-ref per run: ${cpu[0].toFixed(0)} → ${cpu[1].toFixed(0)} ms CPU, ${wall[0].toFixed(0)} → ${wall[1].toFixed(0)} ms wall (median of ${runs})`);
