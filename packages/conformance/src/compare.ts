/**
 * The ONNX comparison rule: |got - expected| <= atol + rtol * |expected|, NaN equals NaN, dtype and shape exact.
 * Returns undefined when values match, else a message saying where they differ.
 */
import { Tensor, decodeFloatCode, isEncodedFloat, type Value } from '@onnx-ts/core';
import type { Tolerance } from './cases.js';

function kindOf(v: unknown): string {
  if (v === null) return 'empty optional';
  if (v instanceof Tensor) return `tensor(${v.type}) [${v.dims.join(', ')}]`;
  if (Array.isArray(v)) return `sequence of ${v.length}`;
  if (v instanceof Map) return `map of ${v.size}`;
  return typeof v;
}

function numberAt(t: Tensor, i: number): number {
  const raw = (t.data as ArrayLike<number | bigint>)[i];
  return isEncodedFloat(t.type) ? decodeFloatCode(t.type, raw as number) : Number(raw);
}

function compareTensors(got: Tensor, exp: Tensor, tol: Tolerance, where: string): string | undefined {
  if (got.type !== exp.type) return `${where}: dtype ${got.type}, expected ${exp.type}`;
  if (got.dims.length !== exp.dims.length || got.dims.some((d, i) => d !== exp.dims[i])) {
    return `${where}: shape [${got.dims.join(', ')}], expected [${exp.dims.join(', ')}]`;
  }
  if (exp.type === 'string') {
    const g = got.data as string[];
    const e = exp.data as string[];
    const i = e.findIndex((s, k) => s !== g[k]);
    return i < 0 ? undefined : `${where}[${i}]: '${g[i]}', expected '${e[i]}'`;
  }
  if (exp.type === 'int64' || exp.type === 'uint64') {
    const g = got.data as BigInt64Array;
    const e = exp.data as BigInt64Array;
    for (let i = 0; i < e.length; i++) if (g[i] !== e[i]) return `${where}[${i}]: ${g[i]}, expected ${e[i]}`;
    return undefined;
  }
  const count = (exp.data as ArrayLike<number>).length;
  let worst = -1;
  let mismatches = 0;
  let worstExcess = 0;
  for (let i = 0; i < count; i++) {
    const g = numberAt(got, i);
    const e = numberAt(exp, i);
    if (Number.isNaN(e) && Number.isNaN(g)) continue;
    if (g === e) continue;
    const excess = Math.abs(g - e) - (tol.atol + tol.rtol * Math.abs(e));
    if (!(excess <= 0)) {
      mismatches++;
      if (worst < 0 || excess > worstExcess || Number.isNaN(excess)) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (worst < 0) return undefined;
  return `${where}: ${mismatches} of ${count} elements differ; worst at [${worst}]: ${numberAt(got, worst)}, expected ${numberAt(exp, worst)}`;
}

export function compareValues(got: Value | undefined, exp: Value, tol: Tolerance, where: string): string | undefined {
  if (exp === null) return got === null ? undefined : `${where}: ${kindOf(got)}, expected an empty optional`;
  if (got === undefined || got === null) return `${where}: ${kindOf(got)}, expected ${kindOf(exp)}`;
  if (exp instanceof Tensor) {
    return got instanceof Tensor ? compareTensors(got, exp, tol, where) : `${where}: ${kindOf(got)}, expected ${kindOf(exp)}`;
  }
  if (Array.isArray(exp)) {
    if (!Array.isArray(got) || got.length !== exp.length) return `${where}: ${kindOf(got)}, expected ${kindOf(exp)}`;
    for (let i = 0; i < exp.length; i++) {
      const m = compareValues(got[i], exp[i], tol, `${where}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (!(got instanceof Map) || got.size !== exp.size) return `${where}: ${kindOf(got)}, expected ${kindOf(exp)}`;
  for (const [k, e] of exp) {
    if (!got.has(k)) return `${where}: key ${String(k)} missing`;
    const g = got.get(k);
    const wrap = (v: unknown): Value => (typeof v === 'number' ? new Tensor('float32', new Float32Array([v]), []) : (v as Value));
    const m = compareValues(wrap(g), wrap(e), tol, `${where}{${String(k)}}`);
    if (m) return m;
  }
  return undefined;
}
