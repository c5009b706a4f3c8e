/**
 * Row kernels: a tensor seen as [outer, len, inner] where one workgroup handles each of the outer·inner rows (the
 * len elements at stride inner), its invocations striding over the row and combining partial results in workgroup
 * memory. Reductions, softmax and the normalizations are written on top of this: `main` code sees `row`, `base`
 * (the offset of the row's first element), `P.len`, `P.inner`, and can call wg_sum/wg_max/wg_min/wg_prod to combine
 * a value across the workgroup (in uniform control flow).
 */
import type { GpuContext } from '../../context.js';
import { runShader, type BufferDecl, type KernelBuffer, type ParamSpec, type ParamValues } from '../../program.js';

export const ROW_THREADS = 64;

export interface RowsView {
  outer: number;
  len: number;
  inner: number;
}

/** [outer, len, inner] for reducing the axes [first, last] of `dims` (a contiguous block). */
export function rowsView(dims: readonly number[], first: number, last: number): RowsView {
  const prod = (from: number, to: number): number => dims.slice(from, to).reduce((a, b) => a * b, 1);
  return { outer: prod(0, first), len: prod(first, last + 1), inner: prod(last + 1, dims.length) };
}

const COMBINERS: Record<string, string> = { sum: 'a + b', max: 'max(a, b)', min: 'min(a, b)', prod: 'a * b' };

/** The workgroup combine functions and the shared array they use. */
function combiners(): string {
  return `var<workgroup> shared_red: array<f32, ${ROW_THREADS}>;\n` + Object.entries(COMBINERS).map(([name, expr]) => `
fn wg_${name}(v: f32, li: u32) -> f32 {
  shared_red[li] = v;
  workgroupBarrier();
  for (var s = ${ROW_THREADS / 2}u; s > 0u; s = s >> 1u) {
    if (li < s) { let a = shared_red[li]; let b = shared_red[li + s]; shared_red[li] = ${expr}; }
    workgroupBarrier();
  }
  let r = shared_red[0];
  workgroupBarrier();
  return r;
}`).join('\n');
}

export interface RowKernel {
  label: string;
  inputs: readonly BufferDecl[];
  outputs: readonly BufferDecl[];
  params?: ParamSpec;
  header?: string;
  main: string;
}

/** Records a row kernel over `view` (one workgroup per row, rows spread over a 2-D grid). */
export async function runRows(gpu: GpuContext, k: RowKernel, view: RowsView, buffers: readonly KernelBuffer[], values: ParamValues = {}): Promise<void> {
  const rows = view.outer * view.inner;
  if (rows === 0) return;
  const max = gpu.limits.maxWorkgroupsPerDimension;
  const y = Math.ceil(rows / max);
  await runShader(gpu, {
    label: k.label,
    inputs: k.inputs,
    outputs: k.outputs,
    params: { rows: 'u32', len: 'u32', inner: 'u32', ...k.params },
    workgroupSize: ROW_THREADS,
    header: `${combiners()}\n${k.header ?? ''}`,
    main: `  let row = wid.y * nwg.x + wid.x;
  if (row >= P.rows) { return; }
  let base = (row / P.inner) * P.len * P.inner + row % P.inner;
${k.main}`,
  }, buffers, { rows, len: view.len, inner: view.inner, ...values }, [Math.ceil(rows / y), y, 1]);
}
