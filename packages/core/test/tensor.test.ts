import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../src/index.js';

test('constructor checks storage type and element count against dims', () => {
  assert.throws(() => new Tensor('float32', new Float64Array(2) as never, [2]), /expected Float32Array for 'float32', got Float64Array/);
  assert.throws(() => new Tensor('float32', new Float32Array(5), [2, 3]), /holds 5 elements but dims \[2, 3\] need 6/);
  assert.throws(() => new Tensor('float32', new Float32Array(0), [-1]), /invalid dimension -1/);
  assert.throws(() => new Tensor('nope' as 'float32', new Float32Array(1)), /unknown element type 'nope'/);
  assert.equal(new Tensor('complex64', new Float32Array(4), [2]).size, 2);
});

test('plain arrays are converted as onnxruntime does', () => {
  assert.equal([...new Tensor('int64', [1, 2], [2]).data], [1n, 2n]);
  assert.equal([...new Tensor('bool', [true, false], [2]).data], [1, 0]);
});

test('getData and dispose work on CPU tensors and on device tensors through their backend', async () => {
  const t = new Tensor('float32', new Float32Array([1, 2]), [2]);
  assert.equal([...(await t.getData())], [1, 2]);
  let disposed = false;
  const device = Tensor.onDevice('float32', [2], 'fake', 42, {
    download: async () => new Tensor('float32', new Float32Array([3, 4]), [2]),
    dispose: () => { disposed = true; },
  });
  assert.throws(() => device.data, /not on the CPU/);
  assert.equal([...(await device.getData())], [3, 4]);
  device.dispose();
  assert.ok(disposed);
});

test.run();
