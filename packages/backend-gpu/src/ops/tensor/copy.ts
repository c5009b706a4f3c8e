/**
 * Data movement kernels: an affine copy (output element at coordinates c of some dims reads source element
 * sBase + c·sStrides and writes dBase + c·dStrides) that Transpose, Slice, Concat, Split, Expand and DepthToSpace are
 * all instances of, and a fill. They copy elements without converting them, so every storage kind moves exactly;
 * int64 elements move as two 32-bit words.
 */
import type { Tensor } from '@onnx-ts/core';
import type { GpuContext } from '../../context.js';
import { runFlat, type ParamValues } from '../../program.js';
import { bufferBytes, bytesPerElement, toStorage, type StorageKind } from '../../storage.js';
import { gpuData, kindOf } from '../../tensors.js';

export interface AffineCopy {
  dims: readonly number[];
  srcBase: number;
  srcStrides: readonly number[];
  dstBase: number;
  dstStrides: readonly number[];
}

/** Drops dims of 1 and merges dims that are contiguous in both the source and the destination walk. */
function collapse(c: AffineCopy): AffineCopy {
  const dims: number[] = [];
  const ss: number[] = [];
  const ds: number[] = [];
  c.dims.forEach((n, d) => {
    if (n === 1) return;
    const last = dims.length - 1;
    if (last >= 0 && ss[last] === c.srcStrides[d] * n && ds[last] === c.dstStrides[d] * n) {
      dims[last] *= n;
      ss[last] = c.srcStrides[d];
      ds[last] = c.dstStrides[d];
    } else {
      dims.push(n);
      ss.push(c.srcStrides[d]);
      ds.push(c.dstStrides[d]);
    }
  });
  if (!dims.length) return { ...c, dims: [1], srcStrides: [0], dstStrides: [0] };
  return { ...c, dims, srcStrides: ss, dstStrides: ds };
}

/** Copies elements of `src` into `dst` along an affine walk (see the file comment). */
export async function affineCopy(gpu: GpuContext, src: Tensor, dst: Tensor, walk: AffineCopy): Promise<void> {
  const count = walk.dims.reduce((a, b) => a * b, 1);
  if (count === 0) return;
  const kind = kindOf(src, gpu);
  const c = collapse(walk);
  const rank = c.dims.length;
  const lines = ['  if (gid >= P.n) { return; }', '  var rest = gid;', '  var s = P.sbase;', '  var d = P.dbase;'];
  for (let k = rank - 1; k >= 0; k--) {
    lines.push(`  { let i = rest % P_dims(${k}u); rest = rest / P_dims(${k}u); s += i32(i) * P_ss(${k}u); d += i32(i) * P_ds(${k}u); }`);
  }
  lines.push(kind === 'i64' ? '  y[2 * d] = x[2 * s];\n  y[2 * d + 1] = x[2 * s + 1];' : '  y[d] = x[s];');
  const params = {
    n: 'u32', sbase: 'i32', dbase: 'i32',
    dims: { array: 'u32', length: rank }, ss: { array: 'i32', length: rank }, ds: { array: 'i32', length: rank },
  } as const;
  const values: ParamValues = { n: count, sbase: c.srcBase, dbase: c.dstBase, dims: c.dims, ss: c.srcStrides, ds: c.dstStrides };
  await runFlat(gpu, {
    label: 'copy',
    inputs: [{ name: 'x', kind }],
    outputs: [{ name: 'y', kind }],
    params,
    main: lines.join('\n'),
  }, [src, dst], values, count);
}

/** The 32-bit words one element of `value` (a one-element tensor) occupies in storage of `kind`. */
function patternWords(value: Tensor, kind: StorageKind): number[] {
  const stored = toStorage(value.type, kind, value.data as never);
  const words = new Uint32Array(2);
  new Uint8Array(words.buffer).set(new Uint8Array(stored.buffer, stored.byteOffset, bytesPerElement(kind)));
  if (kind === 'f16') return [words[0] | (words[0] << 16)];
  return kind === 'i64' ? [words[0], words[1]] : [words[0]];
}

/**
 * Fills a tensor with one value (a one-element tensor of its type). Large buffers are filled through windows no
 * larger than the device's storage binding limit.
 */
export async function fillTensor(gpu: GpuContext, t: Tensor, value: Tensor): Promise<void> {
  const kind = kindOf(t, gpu);
  const pattern = patternWords(value, kind);
  const totalWords = bufferBytes(kind, t.size) / 4;
  const buffer = gpuData(t).buffer(gpu, t.type);
  const window = Math.floor(gpu.limits.maxBindingBytes / 256) * 64;
  for (let start = 0; start < totalWords; start += window) {
    const words = Math.min(window, totalWords - start);
    await runFlat(gpu, {
      label: 'fill',
      inputs: [],
      outputs: [{ name: 'y', kind: 'u32' }],
      params: { n: 'u32', w0: 'u32', w1: 'u32' },
      main: '  if (gid >= P.n) { return; }\n  y[gid] = select(P.w0, P.w1, (gid & 1u) == 1u);',
    }, [{ buffer, offset: start * 4, size: words * 4 }], { n: words, w0: pattern[0], w1: pattern[pattern.length - 1] }, words);
  }
}
