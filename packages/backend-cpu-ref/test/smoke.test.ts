import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '@onnx-ts/core';
import { mapBroadcast } from '../src/index.js';

test('mapBroadcast adds a row to every row of a matrix', () => {
  const a = new Tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  const b = new Tensor('float32', new Float32Array([10, 20, 30]), [3]);
  const out = mapBroadcast('Add', [a, b], { float: (x, y) => x + y });
  assert.equal([...out.data as Float32Array], [11, 22, 33, 14, 25, 36]);
  assert.equal(out.dims, [2, 3]);
});

test.run();
