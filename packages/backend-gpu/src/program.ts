/**
 * Writing and running WGSL kernels: bindings and a uniform parameter block are declared once and generated into the
 * shader, values are packed to match, and 1-D kernels get a flat invocation index over a 2-D grid of workgroups (a
 * dimension holds at most 65535 workgroups).
 */
import type { DType, Tensor } from '@onnx-ts/core';
import type { BindingKind, BufferBinding, GpuContext } from './context.js';
import { bindingOf } from './tensors.js';
import type { StorageKind } from './storage.js';

export type ScalarType = 'u32' | 'i32' | 'f32';

/** A parameter: a scalar, or an array of `length` scalars (dims, strides) read with `P_<name>(i)`. */
export type ParamDecl = ScalarType | { array: 'u32' | 'i32'; length: number };

export type ParamSpec = Record<string, ParamDecl>;
/** Parameter values by name: numbers for scalars, number arrays for arrays. */
export type ParamValues = Record<string, number | readonly number[]>;

export interface BufferDecl {
  name: string;
  kind: StorageKind;
  /** Declared as an array of vec4 (for vector loads; the caller guarantees 4-element alignment). */
  vec4?: boolean;
}

export interface ShaderSpec {
  /** Names the kernel in errors and GPU debug labels. */
  label: string;
  inputs: readonly BufferDecl[];
  outputs: readonly BufferDecl[];
  params?: ParamSpec;
  workgroupSize: number | readonly [number, number, number];
  /** WGSL before main: helper functions, constants, workgroup variables. */
  header?: string;
  /**
   * Body of main. In scope: `gid` (flat index of the invocation for 1-D kernels), `lid` (local id), `li` (local
   * index), `wid` (workgroup id), `nwg` (workgroup count), and `P` (the parameters).
   */
  main: string;
  /**
   * For 1-D kernels: flat indices each invocation handles, `gid` stepping by the workgroup size (the body may
   * `return` once gid is past the end, since later indices are too).
   */
  perInvocation?: number;
}

function isArrayDecl(d: ParamDecl): d is { array: 'u32' | 'i32'; length: number } {
  return typeof d === 'object';
}

interface ParamLayout {
  struct: string;
  accessors: string;
  offsets: Map<string, number>;
  bytes: number;
}

function layoutParams(spec: ParamSpec): ParamLayout {
  const offsets = new Map<string, number>();
  const fields: string[] = [];
  const accessors: string[] = [];
  let at = 0;
  for (const [name, decl] of Object.entries(spec)) {
    if (!isArrayDecl(decl)) {
      offsets.set(name, at);
      fields.push(`${name}: ${decl},`);
      at += 4;
    }
  }
  // Uniform arrays need a 16-byte stride, so arrays are vec4s indexed by i/4 and i%4.
  at = Math.ceil(at / 16) * 16;
  for (const [name, decl] of Object.entries(spec)) {
    if (isArrayDecl(decl)) {
      const vecs = Math.max(1, Math.ceil(decl.length / 4));
      offsets.set(name, at);
      fields.push(`${name}: array<vec4<${decl.array}>, ${vecs}>,`);
      accessors.push(`fn P_${name}(i: u32) -> ${decl.array} { return P.${name}[i / 4u][i % 4u]; }`);
      at += vecs * 16;
    }
  }
  if (!fields.length) fields.push('unused: u32,');
  return { struct: `struct Params {\n  ${fields.join('\n  ')}\n}`, accessors: accessors.join('\n'), offsets, bytes: Math.max(16, Math.ceil(at / 16) * 16) };
}

function packParams(spec: ParamSpec, layout: ParamLayout, values: ParamValues): ArrayBuffer {
  const bytes = new ArrayBuffer(layout.bytes);
  const u32 = new Uint32Array(bytes);
  const i32 = new Int32Array(bytes);
  const f32 = new Float32Array(bytes);
  for (const [name, decl] of Object.entries(spec)) {
    const v = values[name];
    const at = layout.offsets.get(name)! / 4;
    if (isArrayDecl(decl)) {
      if (!Array.isArray(v)) throw new Error(`gpu: parameter '${name}' must be an array`);
      if (v.length > decl.length) throw new Error(`gpu: parameter '${name}' holds ${v.length} values, at most ${decl.length}`);
      (decl.array === 'u32' ? u32 : i32).set(v, at);
    } else {
      if (typeof v !== 'number') throw new Error(`gpu: parameter '${name}' must be a number`);
      if (decl === 'f32') f32[at] = v;
      else if (decl === 'i32') i32[at] = v;
      else u32[at] = v;
    }
  }
  return bytes;
}

/** The WGSL source of a kernel. */
export function shaderSource(spec: ShaderSpec): string {
  const buffers = [...spec.inputs, ...spec.outputs];
  const lines: string[] = [];
  if (buffers.some((b) => b.kind === 'f16') || /\bf16\b/.test(`${spec.header ?? ''}${spec.main}`)) lines.push('enable f16;');
  buffers.forEach((b, i) => {
    const access = i < spec.inputs.length ? 'read' : 'read_write';
    const scalar = b.kind === 'i64' ? 'i32' : b.kind;
    lines.push(`@group(0) @binding(${i}) var<storage, ${access}> ${b.name}: array<${b.vec4 ? `vec4<${scalar}>` : scalar}>;`);
  });
  const layout = spec.params ? layoutParams(spec.params) : undefined;
  if (layout) {
    lines.push(layout.struct, `@group(0) @binding(${buffers.length}) var<uniform> P: Params;`, layout.accessors);
  }
  const [x, y, z] = typeof spec.workgroupSize === 'number' ? [spec.workgroupSize, 1, 1] : spec.workgroupSize;
  if (spec.header) lines.push(spec.header);
  const size = x * y * z;
  const per = spec.perInvocation ?? 1;
  lines.push(
    `@compute @workgroup_size(${x}, ${y}, ${z})`,
    'fn main(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32,',
    '        @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {',
    per === 1
      ? `  let gid = (wid.y * nwg.x + wid.x) * ${size}u + li;\n${spec.main}`
      : `  for (var step = 0u; step < ${per}u; step++) {\n  let gid = (wid.y * nwg.x + wid.x) * ${size * per}u + step * ${size}u + li;\n${spec.main}\n  }`,
    '}',
  );
  return lines.join('\n');
}

/** Workgroups for `invocations` flat invocations in groups of `size`, spread over x and y. */
export function grid1d(context: GpuContext, invocations: number, size: number): [number, number, number] {
  const groups = Math.ceil(invocations / size);
  const max = context.limits.maxWorkgroupsPerDimension;
  if (groups <= max) return [groups, 1, 1];
  const y = Math.ceil(groups / max);
  return [Math.ceil(groups / y), y, 1];
}

const FLAT_WORKGROUP = 64;

/**
 * Records a 1-D kernel over `count` flat indices (`gid`), each invocation taking the adapter's share of them (many
 * on a CPU adapter, where each workgroup has a fixed cost; one on a GPU).
 */
export function runFlat(
  context: GpuContext, spec: Omit<ShaderSpec, 'workgroupSize' | 'perInvocation'>, buffers: readonly KernelBuffer[], params: ParamValues, count: number,
): Promise<void> {
  const per = context.tuning.indicesPerInvocation;
  return runShader(context, { ...spec, workgroupSize: FLAT_WORKGROUP, perInvocation: per }, buffers, params, grid1d(context, count, FLAT_WORKGROUP * per));
}

/** What a kernel reads or writes: a GPU tensor (its whole buffer) or an explicit buffer range. */
export type KernelBuffer = Tensor | BufferBinding;

function bindingFor(context: GpuContext, b: KernelBuffer): BufferBinding {
  return 'buffer' in b ? b : bindingOf(b as Tensor, context);
}

/** Compiles (cached) and records one dispatch of a kernel. */
export async function runShader(
  context: GpuContext,
  spec: ShaderSpec,
  buffers: readonly KernelBuffer[],
  params: ParamValues | undefined,
  workgroups: readonly [number, number, number],
): Promise<void> {
  const bindings: BindingKind[] = [...spec.inputs.map(() => 'read' as const), ...spec.outputs.map(() => 'write' as const)];
  if (spec.params) bindings.push('uniform');
  const program = await context.program(spec.label, shaderSource(spec), bindings);
  const packed = spec.params ? packParams(spec.params, layoutParams(spec.params), params ?? {}) : undefined;
  context.dispatch(program, buffers.map((b) => bindingFor(context, b)), packed, workgroups);
}

/** WGSL reading element `index` of buffer `name` of `kind` as the type kernels compute in (f32 for floats). */
export function load(kind: StorageKind, name: string, index: string): string {
  if (kind === 'f16') return `f32(${name}[${index}])`;
  if (kind === 'i64') return `${name}[2u * (${index})]`;
  return `${name}[${index}]`;
}

/**
 * WGSL storing `value` (in the compute type) as element `index` of `name`, holding an element of `type`: narrow
 * integers wrap as their typed arrays do, float16 kept in f32 storage is rounded to float16, bool is 0 or 1.
 */
export function store(type: DType, kind: StorageKind, name: string, index: string, value: string): string {
  switch (type) {
    case 'float16':
      return kind === 'f16' ? `${name}[${index}] = f16(${value});` : `${name}[${index}] = unpack2x16float(pack2x16float(vec2<f32>(${value}, 0.0))).x;`;
    case 'int8': return `${name}[${index}] = (i32(${value}) << 24u) >> 24u;`;
    case 'int16': return `${name}[${index}] = (i32(${value}) << 16u) >> 16u;`;
    case 'uint8': return `${name}[${index}] = u32(${value}) & 0xffu;`;
    case 'uint16': return `${name}[${index}] = u32(${value}) & 0xffffu;`;
    case 'bool': return `${name}[${index}] = select(0u, 1u, ${value});`;
    default: return `${name}[${index}] = ${value};`;
  }
}

/** The WGSL type kernels compute `kind` in. */
export function computeType(kind: StorageKind): ScalarType {
  return kind === 'f16' || kind === 'f32' ? 'f32' : kind === 'u32' ? 'u32' : 'i32';
}
