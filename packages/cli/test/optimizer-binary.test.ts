/** The optimizer commands through the built `onnx-ts` binary (build first: pnpm --filter @onnx-ts/cli... build). */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkModel } from '@onnx-ts/optimizer';
import { LIGHT, jsonOf, onnxTs, readModel, tempDir } from './helpers.js';

const dir = tempDir();
const SQUEEZENET = join(LIGHT, 'light_squeezenet.onnx');

test('onnx-ts optimize / quantize / prune / convert on a light model write valid models', () => {
  const optimized = join(dir, 'opt.onnx');
  const r = onnxTs(['optimize', SQUEEZENET, '-o', optimized, '--json']);
  assert.is(r.status, 0, r.stderr);
  const report = jsonOf(r);
  assert.ok(report.nodesAfter < report.nodesBefore);
  assert.ok(checkModel(readModel(optimized)).ok);
  for (const args of [
    ['quantize', optimized, '-o', join(dir, 'q.onnx'), '--mode', 'dynamic'],
    ['prune', optimized, '-o', join(dir, 'p.onnx'), '--sparsity', '0.3'],
    ['convert', optimized, '-o', join(dir, 'h.onnx'), '--fp16'],
  ]) {
    const out = onnxTs(args);
    assert.is(out.status, 0, `${args[0]}: ${out.stderr}`);
    assert.ok(checkModel(readModel(args[3])).ok, args[0]);
  }
});

test('errors: one line and a hint, exit status 2', () => {
  const r = onnxTs(['quantize', SQUEEZENET, '-o', join(dir, 'x.onnx'), '--mode', 'static']);
  assert.is(r.status, 2);
  assert.match(r.stderr, /onnx-ts: static quantization needs calibration inputs/);
  assert.match(r.stderr, /hint: pass --calibrate DIR/);
});

test.run();
