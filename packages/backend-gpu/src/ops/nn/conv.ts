/**
 * Conv over one or two spatial axes (1-D runs as 2-D of height 1):
 * - depthwise (one input channel per group): a direct kernel, one invocation per output element;
 * - otherwise an implicit GEMM per image and group, Y[m, p] = W[m, k]·im2col(X)[k, p], with the im2col element
 *   computed in the B loader (zero in the padding), so no column matrix is ever stored. A 1×1 kernel with unit
 *   strides and no padding reads X directly, with vec4 loads when the plane allows. On adapters that run shaders on
 *   the CPU a register-blocked direct convolution replaces it for the other kernels (see gemm.ts for why).
 * The tiled form bakes kernel, stride, pad and dilation into the shader as constants; the others take them as
 * parameters (on a CPU adapter, compiling a shader per layer costs more than the constants save).
 */
import type { KernelInputs, KernelSpec, Tensor } from '@onnx-ts/core';
import { convAttrs } from '@onnx-ts/backend-cpu-ref';
import type { GpuContext } from '../../context.js';
import { gpuKernel, type GpuJob } from '../../define.js';
import { load, runFlat, runShader, store, type BufferDecl } from '../../program.js';
import { bytesPerElement } from '../../storage.js';
import { allocTensor, kindOf } from '../../tensors.js';
import { tensorAt } from '../args.js';
import { runGemm, scalarOrVector, type Epilogue } from '../matmul/gemm.js';
import { mathHeader } from '../elementwise/wgsl-math.js';
import { as2d, placeWindow, type Window, type WindowAttrs } from './window.js';


interface ConvProblem {
  x: Tensor;
  w: Tensor;
  bias: Tensor | undefined;
  group: number;
  window: Window;
  outDims: number[];
}

/** Checks the operands and places the window; undefined when the node is not a valid 1-D/2-D convolution. */
export function convProblem(gpu: GpuContext, inputs: KernelInputs, a: { group: number; kernel_shape?: number[] } & WindowAttrs): ConvProblem | undefined {
  const x = tensorAt(inputs, 0);
  const w = tensorAt(inputs, 1);
  const bias = tensorAt(inputs, 2);
  if (!x || !w || x.type !== w.type || (bias && bias.type !== x.type)) return undefined;
  const rank = x.dims.length;
  if ((rank !== 3 && rank !== 4) || w.dims.length !== rank) return undefined;
  const [, C] = x.dims;
  const [M, Cg] = w.dims;
  const kernel = w.dims.slice(2);
  if (a.kernel_shape && (a.kernel_shape.length !== kernel.length || a.kernel_shape.some((k, i) => k !== kernel[i]))) return undefined;
  if (!(a.group >= 1) || C % a.group !== 0 || M % a.group !== 0 || Cg * a.group !== C) return undefined;
  if (bias && (bias.dims.length !== 1 || bias.size !== M)) return undefined;
  const window = placeWindow(x.dims.slice(2), kernel, a);
  if (!window) return undefined;
  const fits = [x, w].every((t) => t.size * bytesPerElement(kindOf(t, gpu)) <= gpu.limits.maxBindingBytes);
  if (!fits) return undefined;
  return { x, w, bias, group: a.group, window, outDims: [x.dims[0], M, ...window.grid] };
}

function depthwise(gpu: GpuContext, p: ConvProblem, y: Tensor, w: Window, epilogue: Epilogue): Promise<void> {
  const kind = kindOf(p.x, gpu);
  const [KH, KW] = w.kernel;
  const [sh, sw] = w.strides;
  const [dh, dw] = w.dilations;
  const [ph, pw] = w.padBegin;
  const multiplier = p.outDims[1] / p.x.dims[1];
  const inputs: BufferDecl[] = [{ name: 'x', kind }, { name: 'w', kind }];
  if (p.bias) inputs.push({ name: 'b', kind });
  const main = `
  if (gid >= P.total) { return; }
  let ow = gid % P.OW;
  let oh = (gid / P.OW) % P.OH;
  let nm = gid / (P.OW * P.OH);
  let m = nm % P.M;
  let c = nm / P.M * P.C + m / P.multiplier;
  var acc = ${p.bias ? load(kind, 'b', 'm') : '0.0'};
  for (var kh = 0u; kh < P.KH; kh++) {
    let ih = i32(oh * P.sh + kh * P.dh) - P.ph;
    if (ih < 0 || ih >= i32(P.H)) { continue; }
    for (var kw = 0u; kw < P.KW; kw++) {
      let iw = i32(ow * P.sw + kw * P.dw) - P.pw;
      if (iw < 0 || iw >= i32(P.W)) { continue; }
      acc += ${load(kind, 'x', '(c * P.H + u32(ih)) * P.W + u32(iw)')} * ${load(kind, 'w', '(m * P.KH + kh) * P.KW + kw')};
    }
  }
  ${store(y.type, kind, 'y', 'gid', epilogue('acc'))}`;
  return runFlat(gpu, {
    label: 'Conv (depthwise)', inputs, outputs: [{ name: 'y', kind }], header: mathHeader(main),
    params: {
      total: 'u32', OW: 'u32', OH: 'u32', M: 'u32', C: 'u32', H: 'u32', W: 'u32', multiplier: 'u32',
      KH: 'u32', KW: 'u32', sh: 'u32', sw: 'u32', dh: 'u32', dw: 'u32', ph: 'i32', pw: 'i32',
    },
    main,
  }, [p.x, p.w, ...(p.bias ? [p.bias] : []), y], {
    total: y.size, OW: w.grid[1], OH: w.grid[0], M: p.outDims[1], C: p.x.dims[1], H: w.image[0], W: w.image[1], multiplier,
    KH, KW, sh, sw, dh, dw, ph, pw,
  }, y.size);
}

/** A 1×1 kernel with unit strides and no padding: the convolution is a plain matrix product over the plane. */
function isPointwise(w: Window): boolean {
  return w.kernel.every((k) => k === 1) && w.strides.every((v) => v === 1) && [...w.padBegin, ...w.padEnd].every((v) => v === 0);
}

function implicitGemm(gpu: GpuContext, p: ConvProblem, y: Tensor, w: Window, epilogue: Epilogue): Promise<void> {
  const kind = kindOf(p.x, gpu);
  const [KH, KW] = w.kernel;
  const [sh, sw] = w.strides;
  const [dh, dw] = w.dilations;
  const [ph, pw] = w.padBegin;
  const pointwise = isPointwise(w);
  const G = p.group;
  const Mg = p.outDims[1] / G;
  const Cg = p.x.dims[1] / G;
  const K = Cg * KH * KW;
  const plane = w.grid[0] * w.grid[1];
  const vecA = K % 4 === 0;
  const vecB = pointwise && plane % 4 === 0;
  // batch = image * G + group; the image's group of channels starts at (image * C + group * Cg).
  const xBase = '((batch / P.G) * P.C + (batch % P.G) * P.Cg)';
  const loadB = pointwise
    ? [
      scalarOrVector('x', kind, vecB, 'fn load_b(batch: u32, k: u32, n: u32)', `(${xBase} + k) * P.HW + n`),
      vecB ? `fn load_b4(batch: u32, k: u32, n: u32) -> vec4<f32> { return vec4<f32>(x[((${xBase} + k) * P.HW + n) / 4u]); }` : '',
    ].join('\n')
    : `fn load_b(batch: u32, k: u32, n: u32) -> f32 {
  let c = k / ${KH * KW}u;
  let r = k % ${KH * KW}u;
  let ih = i32((n / P.OW) * ${sh}u + (r / ${KW}u) * ${dh}u) - ${ph};
  let iw = i32((n % P.OW) * ${sw}u + (r % ${KW}u) * ${dw}u) - ${pw};
  if (ih < 0 || iw < 0 || ih >= i32(P.H) || iw >= i32(P.W)) { return 0.0; }
  return ${load(kind, 'x', `((${xBase} + c) * P.H + u32(ih)) * P.W + u32(iw)`)};
}`;
  const mGlobal = '(batch % P.G) * P.Mg + m';
  const functions = [
    scalarOrVector('w', kind, vecA, 'fn load_a(batch: u32, m: u32, k: u32)', `(${mGlobal}) * P.K + k`),
    vecA ? `fn load_a4(batch: u32, m: u32, k: u32) -> vec4<f32> { return vec4<f32>(w[((${mGlobal}) * P.K + k) / 4u]); }` : '',
    loadB,
    `fn store_c(batch: u32, m: u32, n: u32, v: f32) {
  let mg = ${mGlobal};
  ${store(y.type, kind, 'y', '((batch / P.G) * P.OC + mg) * P.OHW + n', epilogue(p.bias ? `v + ${load(kind, 'b', 'mg')}` : 'v'))}
}`,
  ].join('\n');
  const inputs: BufferDecl[] = [{ name: 'x', kind, vec4: vecB }, { name: 'w', kind, vec4: vecA }];
  if (p.bias) inputs.push({ name: 'b', kind });
  return runGemm(gpu, {
    label: pointwise ? 'Conv (1x1)' : 'Conv',
    inputs, outputs: [{ name: 'y', kind }],
    params: { G: 'u32', C: 'u32', Cg: 'u32', OC: 'u32', Mg: 'u32', H: 'u32', W: 'u32', HW: 'u32', OW: 'u32', OHW: 'u32' },
    functions, vec4A: vecA, vec4B: vecB,
  }, [p.x, p.w, ...(p.bias ? [p.bias] : []), y], {
    G, C: p.x.dims[1], Cg, OC: p.outDims[1], Mg, H: w.image[0], W: w.image[1], HW: w.image[0] * w.image[1], OW: w.grid[1], OHW: plane,
  }, Mg, plane, K, p.x.dims[0] * G);
}

/**
 * The register-blocked convolution for adapters that run shaders on the CPU (see gemm.ts): each invocation
 * accumulates up to 8 output channels × 4 adjacent output positions, walking input channels and the kernel window
 * with the window offsets of its 4 positions worked out once.
 */
function registerConv(gpu: GpuContext, p: ConvProblem, y: Tensor, w: Window, epilogue: Epilogue): Promise<void> {
  const kind = kindOf(p.x, gpu);
  const [KH, KW] = w.kernel;
  const [sh, sw] = w.strides;
  const [dh, dw] = w.dilations;
  const [ph, pw] = w.padBegin;
  const G = p.group;
  const Mg = p.outDims[1] / G;
  const Cg = p.x.dims[1] / G;
  const N = w.grid[0] * w.grid[1];
  const rows = Math.min(8, Mg);
  let lanes = 8;
  while (lanes < 64 && lanes * 4 < N) lanes *= 2;
  const lines = [
    `  let n = (wid.x * ${lanes}u + li) * 4u;`,
    '  if (n >= P.N) { return; }',
    `  let row0 = wid.y * ${rows}u;`,
    '  let image = wid.z / P.G;',
    '  let g = wid.z % P.G;',
    '  let xbase = (image * P.C + g * P.Cg) * P.H * P.W;',
  ];
  for (let j = 0; j < 4; j++) {
    lines.push(`  let p${j} = min(n + ${j}u, P.N - 1u);`,
      `  let ih${j} = i32((p${j} / P.OW) * P.sh) - P.ph;`, `  let iw${j} = i32((p${j} % P.OW) * P.sw) - P.pw;`);
  }
  for (let i = 0; i < rows; i++) lines.push(`  let w${i} = (g * P.Mg + min(row0 + ${i}u, P.Mg - 1u)) * P.Cg * P.KH * P.KW;`, `  var acc${i} = vec4<f32>(0.0);`);
  const tap = (j: number): string => `select(0.0, ${load(kind, 'x', `select(0u, xc + u32(h${j} * i32(P.W) + iw${j} + kw), ok${j})`)}, ok${j})`;
  lines.push(
    '  for (var c = 0u; c < P.Cg; c++) {',
    '    let xc = xbase + c * P.H * P.W;',
    '    for (var kh = 0; kh < i32(P.KH); kh++) {',
    ...[0, 1, 2, 3].map((j) => `      let h${j} = ih${j} + kh * P.dh; let hok${j} = h${j} >= 0 && h${j} < i32(P.H);`),
    '      for (var kw0 = 0; kw0 < i32(P.KW); kw0++) {',
    '        let kw = kw0 * P.dw;',
    ...[0, 1, 2, 3].map((j) => `        let ok${j} = hok${j} && iw${j} + kw >= 0 && iw${j} + kw < i32(P.W);`),
    `        let b = vec4<f32>(${[0, 1, 2, 3].map(tap).join(', ')});`,
    '        let t = (c * P.KH + u32(kh)) * P.KW + u32(kw0);',
    ...Array.from({ length: rows }, (_, i) => `        acc${i} += ${load(kind, 'wt', `w${i} + t`)} * b;`),
    '      }',
    '    }',
    '  }',
  );
  for (let i = 0; i < rows; i++) {
    lines.push(`  if (row0 + ${i}u < P.Mg) {`, `    let m = g * P.Mg + row0 + ${i}u;`);
    const biased = p.bias ? ` + ${load(kind, 'b', 'm')}` : '';
    for (let j = 0; j < 4; j++) lines.push(`    if (n + ${j}u < P.N) { ${store(y.type, kind, 'y', `(image * P.M + m) * P.N + n + ${j}u`, epilogue(`acc${i}[${j}]${biased}`))} }`);
    lines.push('  }');
  }
  const inputs: BufferDecl[] = [{ name: 'x', kind }, { name: 'wt', kind }];
  if (p.bias) inputs.push({ name: 'b', kind });
  return runShader(gpu, {
    label: 'Conv', inputs, outputs: [{ name: 'y', kind }],
    params: {
      N: 'u32', G: 'u32', C: 'u32', Cg: 'u32', M: 'u32', Mg: 'u32', H: 'u32', W: 'u32', OW: 'u32',
      KH: 'u32', KW: 'u32', sh: 'u32', sw: 'u32', dh: 'i32', dw: 'i32', ph: 'i32', pw: 'i32',
    },
    workgroupSize: lanes, header: mathHeader(lines.join('\n')), main: lines.join('\n'),
  }, [p.x, p.w, ...(p.bias ? [p.bias] : []), y], {
    N, G, C: p.x.dims[1], Cg, M: p.outDims[1], Mg, H: w.image[0], W: w.image[1], OW: w.grid[1],
    KH, KW, sh, sw, dh, dw, ph, pw,
  }, [Math.ceil(N / (4 * lanes)), Math.ceil(Mg / rows), p.x.dims[0] * G]);
}

export function convPlan(gpu: GpuContext, p: ConvProblem, epilogue: Epilogue = (v) => v): GpuJob {
  return async () => {
    const y = allocTensor(gpu, p.x.type, p.outDims);
    if (y.size === 0) return [y];
    const w = as2d(p.window);
    const C = p.x.dims[1];
    if (p.group === C && p.group > 1) await depthwise(gpu, p, y, w, epilogue);
    else if (gpu.tuning.registerGemm && !isPointwise(w)) await registerConv(gpu, p, y, w, epilogue);
    else await implicitGemm(gpu, p, y, w, epilogue);
    return [y];
  };
}

export const convKernels: KernelSpec<any>[] = [
  gpuKernel({
    op: 'Conv', since: 1, dtypes: ['float32', 'float16'], attrs: convAttrs,
    plan: (inputs, a, { gpu }) => {
      const p = convProblem(gpu, inputs, a);
      return p && convPlan(gpu, p);
    },
  }),
];
