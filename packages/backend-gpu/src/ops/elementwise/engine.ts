/**
 * The one elementwise kernel generator: any number of inputs broadcast numpy-style to the output, each read in the
 * type kernels compute in, combined by a WGSL expression, stored as the output type. Before generating, dims of size
 * 1 are dropped and dims contiguous in every input are merged, so most shapes index with a rank of 1 or 2; inputs
 * that already have the output's shape read at the flat index, broadcast scalars at 0. The float helpers of
 * wgsl-math.ts the expression calls are added to the shader.
 */
import { broadcastShapes, stridesOf, type DType, type Tensor } from '@onnx-ts/core';
import type { GpuContext } from '../../context.js';
import { computeType, load, runFlat, store, type ParamSpec, type ParamValues, type ScalarType } from '../../program.js';
import { allocTensor, kindOf } from '../../tensors.js';
import { mathHeader } from './wgsl-math.js';

export interface BroadcastLayout {
  dims: number[];
  /** Per input, the element stride along each of `dims` (0 where it broadcasts). */
  strides: number[][];
}

/** Collapses the broadcast of `inputs` to `outDims` into the fewest dims (at least one). */
export function broadcastLayout(outDims: readonly number[], inputs: readonly (readonly number[])[]): BroadcastLayout {
  const rank = outDims.length;
  const aligned = inputs.map((dims) => {
    const own = stridesOf(dims);
    return outDims.map((_, d) => {
      const i = d - (rank - dims.length);
      return i < 0 || dims[i] === 1 ? 0 : own[i];
    });
  });
  const dims: number[] = [];
  const strides: number[][] = inputs.map(() => []);
  for (let d = 0; d < rank; d++) {
    const n = outDims[d];
    if (n === 1) continue;
    const last = dims.length - 1;
    const mergeable = last >= 0 && aligned.every((s, k) => strides[k][last] === s[d] * n);
    if (mergeable) {
      dims[last] *= n;
      aligned.forEach((s, k) => { strides[k][last] = s[d]; });
    } else {
      dims.push(n);
      aligned.forEach((s, k) => strides[k].push(s[d]));
    }
  }
  if (!dims.length) return { dims: [1], strides: inputs.map(() => [0]) };
  return { dims, strides };
}

export interface ElementwiseSpec {
  label: string;
  inputs: readonly Tensor[];
  outType: DType;
  /** WGSL of the result from the loaded input values (in their compute types: f32, i32 or u32). */
  expr(values: readonly string[], types: readonly ScalarType[]): string;
}

/** Runs an elementwise kernel; returns the output tensor on the GPU. */
export async function elementwise(gpu: GpuContext, spec: ElementwiseSpec): Promise<Tensor> {
  const outDims = broadcastShapes(...spec.inputs.map((t) => t.dims));
  const out = allocTensor(gpu, spec.outType, outDims);
  if (out.size === 0) return out;
  const layout = broadcastLayout(outDims, spec.inputs.map((t) => t.dims));
  const rank = layout.dims.length;
  const contiguous = stridesOf(layout.dims);
  const kinds = spec.inputs.map((t) => kindOf(t, gpu));
  const outKind = kindOf(out, gpu);
  const params: ParamSpec = { n: 'u32', dims: { array: 'u32', length: rank } };
  const values: ParamValues = { n: out.size, dims: layout.dims };
  const lines: string[] = ['  if (gid >= P.n) { return; }'];
  const index = spec.inputs.map((t, k) => {
    const s = layout.strides[k];
    if (t.size === out.size) return 'gid';
    if (s.every((x) => x === 0)) return '0u';
    params[`s${k}`] = { array: 'u32', length: rank };
    values[`s${k}`] = s;
    return `o${k}`;
  });
  const broadcasting = index.map((ix, k) => (ix.startsWith('o') ? k : -1)).filter((k) => k >= 0);
  if (broadcasting.length) {
    lines.push('  var rest = gid;');
    for (const k of broadcasting) lines.push(`  var o${k} = 0u;`);
    for (let d = rank - 1; d >= 0; d--) {
      lines.push(`  { let c = rest % P_dims(${d}u); rest = rest / P_dims(${d}u);`);
      for (const k of broadcasting) lines.push(`    o${k} += c * P_s${k}(${d}u);`);
      lines.push('  }');
    }
  }
  const names = spec.inputs.map((_, k) => `x${k}`);
  spec.inputs.forEach((_, k) => lines.push(`  let v${k} = ${load(kinds[k], names[k], index[k])};`));
  const types = kinds.map(computeType);
  lines.push(`  ${store(spec.outType, outKind, 'y', 'gid', spec.expr(spec.inputs.map((_, k) => `v${k}`), types))}`);
  const shader = {
    label: spec.label,
    inputs: names.map((name, k) => ({ name, kind: kinds[k] })),
    outputs: [{ name: 'y', kind: outKind }],
    params,
    header: mathHeader(lines.join('\n')),
    main: lines.join('\n'),
  };
  await runFlat(gpu, shader, [...spec.inputs, out], values, out.size);
  return out;
}

/** A float as an exact WGSL f32 literal (its bits), so attribute values inline without rounding. */
export function f32Literal(v: number): string {
  const bits = new Uint32Array(new Float32Array([v]).buffer)[0];
  return `bitcast<f32>(0x${bits.toString(16)}u)`;
}
