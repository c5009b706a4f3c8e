// SIMD helpers shared by the kernels.

/**
 * min(max(x, lo), hi) per lane, NaN staying NaN. The pseudo-min/max instructions compile to one x86 instruction each
 * (the IEEE f32x4.min/max need about eight); with x as their first operand they return x when it is NaN.
 */
// @ts-ignore: decorator
@inline
export function clamp4(x: v128, lo: v128, hi: v128): v128 {
  return v128.pmin<f32>(v128.pmax<f32>(x, lo), hi);
}
