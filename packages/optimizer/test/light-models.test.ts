/**
 * The light models of the ONNX test data (weights made by ConstantOfShape): optimize folds the weights up to the size
 * cap, and the outputs hold in onnxruntime-node (all models) and on cpu-ref against the expected output (the two
 * smallest; the others take seconds per run there and are timed by the benchmark instead).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { discoverCases, compareValues, findDataRoot } from '@onnx-ts/conformance';
import type { Tensor } from '@onnx-ts/core';
import { join } from 'node:path';
import { DEFAULT_MAX_FOLD_BYTES, optimizeModel } from '../src/index.js';
import { assertChecked, maxRelativeDiff, opCounts, runOrt, runRef } from './helpers.js';

const cases = discoverCases(join(findDataRoot(), 'light'));
const RUN_ON_CPU_REF = /^test_(squeezenet|shufflenet)$/;

test('light models are present', () => {
  assert.is(cases.length, 9);
});

for (const c of cases) {
  test(`${c.name}: fewer nodes, only ConstantOfShape above the fold cap left, same output in onnxruntime`, async () => {
    const { model, dataSets } = c.load();
    const { model: out, report } = optimizeModel(model);
    const weightNodes = opCounts(model).ConstantOfShape;
    const left = out.graph.nodes.filter((n) => n.opType === 'ConstantOfShape');
    // Each weight folded removes its node; an unfolded one (above the cap) still spares Dropout or a duplicate.
    assert.ok(report.nodesAfter <= report.nodesBefore - weightNodes + left.length, `${report.nodesBefore} -> ${report.nodesAfter}`);
    for (const n of left) {
      const shape = out.graph.initializers.get(n.inputs[0])!;
      const bytes = Array.from(shape.data as BigInt64Array, Number).reduce((a, b) => a * b, 4);
      assert.ok(bytes > DEFAULT_MAX_FOLD_BYTES, `${n.outputs[0]}: ${bytes} bytes left unfolded`);
    }
    assertChecked(out);
    const input = out.graph.inputs[0].name;
    const feeds = { [input]: dataSets[0].inputs[0] as Tensor };
    const outputName = out.graph.outputs[0].name;
    if (RUN_ON_CPU_REF.test(c.name)) {
      assert.is(left.length, 0);
      const got = await runRef(out, feeds);
      assert.is(compareValues(got[outputName], dataSets[0].outputs[0], c.tolerance, outputName), undefined);
    }
    const before = await runOrt(model, feeds);
    const after = await runOrt(out, feeds);
    assert.ok(maxRelativeDiff(after[outputName].data, before[outputName].data) <= 1e-4);
  });
}

test.run();
