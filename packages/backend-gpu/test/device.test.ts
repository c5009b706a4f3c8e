// The device layer: an adapter is found (the test fails, never skips, without one), GPU errors surface as Errors,
// buffers are pooled and released, and tensors round-trip between the CPU and the GPU for every storable type.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, numberToFloat16 } from '@onnx-ts/core';
import { configureGpu, gpuContext, releaseGpu } from '../src/index.js';
import { runShader } from '../src/program.js';
import { allocTensor, bindingOf, disposeTensor, downloadTensor, reshaped, uploadTensor } from '../src/tensors.js';

test('an adapter is found and described', async () => {
  const gpu = await gpuContext();
  assert.ok(gpu.label.length > 0);
  console.log(`gpu adapter: ${gpu.label}; shader-f16: ${gpu.hasF16}; register GEMM: ${gpu.tuning.registerGemm}`);
  assert.ok(gpu.limits.invocations >= 64, 'kernels use workgroups of up to 64 invocations');
});

test('every storable type round-trips through GPU memory', async () => {
  const gpu = await gpuContext();
  const cases = [
    new Tensor('float32', Float32Array.of(1.5, -0, Infinity, NaN, 3e-39), [5]),
    new Tensor('float16', Uint16Array.of(numberToFloat16(1.5), numberToFloat16(-65504), 0x7c00, 0x0001, 0x3c00), [5]),
    new Tensor('int32', Int32Array.of(-2147483648, 2147483647, 0), [3]),
    new Tensor('int16', Int16Array.of(-32768, 32767, 5), [3]),
    new Tensor('int8', Int8Array.of(-128, 127, -1), [3]),
    new Tensor('uint8', Uint8Array.of(0, 255, 7), [3]),
    new Tensor('uint16', Uint16Array.of(0, 65535, 7), [3]),
    new Tensor('uint32', Uint32Array.of(0, 4294967295, 7), [3]),
    new Tensor('bool', Uint8Array.of(1, 0, 1), [3]),
    new Tensor('int64', BigInt64Array.of(-(2n ** 63n), 2n ** 62n + 3n, -1n), [3]),
  ];
  for (const t of cases) {
    const onGpu = uploadTensor(t, gpu);
    const copy = allocTensor(gpu, t.type, t.dims);
    // Copy buffer to buffer so the readback comes from GPU memory, not the upload's CPU copy.
    const bytes = bindingOf(onGpu, gpu).buffer.size;
    gpu.copy(bindingOf(onGpu, gpu), bindingOf(copy, gpu), Math.min(bytes, bindingOf(copy, gpu).buffer.size));
    const back = await downloadTensor(copy, gpu);
    assert.is(back.type, t.type);
    assert.equal(back.dims, t.dims);
    assert.equal(Array.from(back.data as ArrayLike<unknown>), Array.from(t.data as ArrayLike<unknown>), t.type);
    disposeTensor(onGpu);
    disposeTensor(copy);
  }
});

test('a shader that does not compile fails with an Error naming the kernel and the line', async () => {
  const gpu = await gpuContext();
  const y = allocTensor(gpu, 'float32', [4]);
  try {
    await runShader(gpu, { label: 'broken', inputs: [], outputs: [{ name: 'y', kind: 'f32' }], workgroupSize: 4, main: '  y[gid] = undefined_name;' }, [y], undefined, [1, 1, 1]);
    assert.unreachable('the shader compiled');
  } catch (e) {
    assert.match((e as Error).message, /kernel 'broken' failed to compile/);
    assert.match((e as Error).message, /undefined_name/);
  }
});

test('an invalid dispatch is reported, not read back as zeros', async () => {
  const gpu = await gpuContext();
  const small = allocTensor(gpu, 'float32', [4]);
  const spec = { label: 'binds-too-much', inputs: [], outputs: [{ name: 'y', kind: 'f32' as const }], workgroupSize: 4, main: '  y[gid] = 1.0;' };
  // A range past the buffer's end is a validation error of the batch; the next readback must throw it.
  await runShader(gpu, spec, [{ buffer: bindingOf(small, gpu).buffer, offset: 0, size: 1 << 20 }], undefined, [1, 1, 1]);
  try {
    await downloadTensor(small, gpu);
    assert.unreachable('the invalid dispatch went unnoticed');
  } catch (e) {
    assert.match((e as Error).message, /^gpu: GPUValidationError/);
  }
  assert.equal(Array.from((await downloadTensor(uploadTensor(new Tensor('float32', Float32Array.of(7), [1]), gpu), gpu)).data as Float32Array), [7]);
});

test('freed buffers are reused, and release frees everything', async () => {
  const gpu = await gpuContext();
  const a = allocTensor(gpu, 'float32', [1000]);
  const buffer = bindingOf(a, gpu).buffer;
  disposeTensor(a);
  const b = allocTensor(gpu, 'float32', [999]);
  assert.ok(bindingOf(b, gpu).buffer === buffer, 'a buffer of the same size bucket is reused');
  disposeTensor(b);
  assert.ok(gpu.stats().pooledBytes > 0);
  await releaseGpu();
  const { liveBuffers, pooledBuffers, pooledBytes } = gpu.stats();
  assert.equal({ liveBuffers, pooledBuffers, pooledBytes }, { liveBuffers: 0, pooledBuffers: 0, pooledBytes: 0 });
  const fresh = await gpuContext();
  assert.ok(fresh !== gpu, 'a released backend opens a new device');
});

test('a buffer freed while a pending batch still reads it is destroyed only after the submit', async () => {
  const gpu = await gpuContext();
  const saved = gpu.tuning.poolBytes;
  gpu.tuning.poolBytes = 0;
  try {
    const x = uploadTensor(new Tensor('float32', Float32Array.of(1, 2, 3, 4), [4]), gpu);
    const y = allocTensor(gpu, 'float32', [4]);
    const spec = { label: 'double', inputs: [{ name: 'x', kind: 'f32' as const }], outputs: [{ name: 'y', kind: 'f32' as const }], workgroupSize: 4, main: '  y[gid] = 2.0 * x[gid];' };
    await runShader(gpu, spec, [x, y], undefined, [1, 1, 1]);
    disposeTensor(x);
    assert.equal(Array.from((await downloadTensor(y, gpu)).data as Float32Array), [2, 4, 6, 8]);
  } finally {
    gpu.tuning.poolBytes = saved;
  }
});

test('a shared buffer (a reshaped view) stays alive until its last tensor is disposed', async () => {
  const gpu = await gpuContext();
  const t = uploadTensor(new Tensor('float32', Float32Array.of(1, 2, 3, 4), [2, 2]), gpu);
  const view = reshaped(t, [4]);
  const copy = allocTensor(gpu, 'float32', [4]);
  gpu.copy(bindingOf(view, gpu), bindingOf(copy, gpu), 16);
  disposeTensor(t);
  const again = allocTensor(gpu, 'float32', [4]);
  assert.ok(bindingOf(again, gpu).buffer !== bindingOf(view, gpu).buffer, 'the view still owns its buffer');
  assert.equal(Array.from((await downloadTensor(copy, gpu)).data as Float32Array), [1, 2, 3, 4]);
});

test('the backend takes a GPU object it is given', async () => {
  const { create } = (await import('webgpu')) as { create(flags: string[]): GPU };
  const gpu = create([]);
  await configureGpu({ gpu });
  const context = await gpuContext();
  assert.ok(context.gpu === gpu, 'the given GPU object is the one in use');
  await configureGpu({});
});

test.run();
