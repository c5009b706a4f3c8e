import { type DType, type Tensor } from '@onnx-ts/core';
import { mapBroadcastMixed, numericKind } from '../../util/elementwise.js';
import { FLOATS, NUMERIC, binaryKernels } from './common.js';
import { cPow, negativeIntPow, wrappingPow32, wrappingPow64 } from './math.js';

type PowFn = (base: number | bigint, exponent: number | bigint) => number | bigint;

/**
 * x^y for a base of type `baseType` and exponent of type `expType` (they may differ from opset 12). Float bases use
 * C's pow; integer bases with integer exponents multiply exactly, wrapping like the base's type; integer bases with
 * float exponents truncate the real result.
 */
function powFor(baseType: DType, expType: DType): PowFn {
  const baseKind = numericKind(baseType);
  const intExponent = numericKind(expType) !== 'float';
  if (baseKind === 'float') return (x, y) => cPow(x as number, Number(y));
  if (baseKind === 'int') {
    if (!intExponent) return (x, y) => Math.trunc(cPow(x as number, y as number));
    return (x, y) => (y < 0 ? negativeIntPow(x as number, y) : wrappingPow32(x as number, BigInt(y)));
  }
  const wrap = baseType === 'int64' ? (v: bigint) => BigInt.asIntN(64, v) : (v: bigint) => BigInt.asUintN(64, v);
  if (!intExponent) {
    return (x, y) => {
      const r = Math.trunc(cPow(Number(x), y as number));
      return Number.isFinite(r) ? BigInt(r) : 0n;
    };
  }
  return (x, y) => (y < 0 ? BigInt(negativeIntPow(Number(x), y)) : wrappingPow64(x as bigint, BigInt(y), wrap));
}

function pow(base: Tensor, exponent: Tensor): Tensor {
  if (!NUMERIC.includes(exponent.type)) throw new Error(`Pow: exponent must be numeric, got ${exponent.type}`);
  return mapBroadcastMixed('Pow', [base, exponent], powFor(base.type, exponent.type), base.type);
}

export default binaryKernels('Pow', pow, { since: 1, dtypes: [...FLOATS, 'int32', 'int64'], legacyUntil: 6 });
