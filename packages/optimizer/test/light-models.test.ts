/** The light models of the ONNX test data (weights made by ConstantOfShape): optimize folds them and outputs hold. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { discoverCases, compareValues, findDataRoot } from '@onnx-ts/conformance';
import type { Tensor } from '@onnx-ts/core';
import { join } from 'node:path';
import { optimizeModel } from '../src/index.js';
import { assertChecked, maxRelativeDiff, opCounts, runOrt, runRef } from './helpers.js';

const cases = discoverCases(join(findDataRoot(), 'light')).filter((c) => /^test_(squeezenet|shufflenet)$/.test(c.name));

test('light models are present', () => {
  assert.is(cases.length, 2);
});

for (const c of cases) {
  test(`${c.name}: fewer nodes, no ConstantOfShape left, expected output on cpu-ref, same output in onnxruntime`, async () => {
    const { model, dataSets } = c.load();
    const { model: out, report } = optimizeModel(model);
    const weightNodes = opCounts(model).ConstantOfShape;
    assert.ok(report.nodesAfter <= report.nodesBefore - weightNodes, `${report.nodesBefore} -> ${report.nodesAfter}`);
    assert.is(opCounts(out).ConstantOfShape, undefined);
    assertChecked(out);
    const input = out.graph.inputs[0].name;
    const feeds = { [input]: dataSets[0].inputs[0] as Tensor };
    const got = await runRef(out, feeds);
    const outputName = out.graph.outputs[0].name;
    assert.is(compareValues(got[outputName], dataSets[0].outputs[0], c.tolerance, outputName), undefined);
    const before = await runOrt(model, feeds);
    const after = await runOrt(out, feeds);
    assert.ok(maxRelativeDiff(after[outputName].data, before[outputName].data) <= 1e-4);
  });
}

test.run();
