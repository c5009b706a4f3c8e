/**
 * WGSL float helpers the elementwise kernels need beyond the builtins: NaN tests by bits (a compiler may assume
 * floats are never NaN), NaN-propagating max/min, C's pow for negative bases, and forms of erf, tanh, sinh, asinh,
 * atanh, expm1 and log1p that keep their relative precision near zero, where the textbook formulas cancel.
 */

/** Helper functions by name; a shader gets those its code calls (and the helpers they call). */
const FUNCTIONS: Record<string, string> = {
  nan_f: `
// Through a private variable: a constant NaN or infinity is rejected by WGSL's constant evaluation.
var<private> SPECIAL_BITS: vec2<u32> = vec2<u32>(0x7fc00000u, 0x7f800000u);
fn nan_f() -> f32 { return bitcast<f32>(SPECIAL_BITS.x); }
fn inf_f() -> f32 { return bitcast<f32>(SPECIAL_BITS.y); }`,
  is_nan: `
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }`,
  is_inf: `
fn is_inf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }`,
  nan_max: `
fn nan_max(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  return max(a, b);
}`,
  nan_min: `
fn nan_min(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  return min(a, b);
}`,
  pow_c: `
fn pow_c(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (is_nan(x) || is_nan(y)) { return nan_f(); }
  if (x == 0.0) {
    if (y > 0.0) { return 0.0; }
    return inf_f();
  }
  let r = exp2(y * log2(abs(x)));
  if (x < 0.0) {
    if (floor(y) != y) { return nan_f(); }
    if (abs(y) < 16777216.0 && (i32(abs(y)) & 1) == 1) { return -r; }
  }
  return r;
}`,
  expm1_f: `
fn expm1_f(x: f32) -> f32 {
  if (abs(x) < 0.5) { return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0 + x / 5040.0)))))); }
  return exp(x) - 1.0;
}`,
  log1p_f: `
fn log1p_f(u: f32) -> f32 {
  if (abs(u) < 0.01) { return u * (1.0 - u * (0.5 - u * (1.0 / 3.0 - u * 0.25))); }
  return log(1.0 + u);
}`,
  tanh_f: `
fn tanh_f(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.55) {
    let s = x * x;
    return x * (1.0 - s * (1.0 / 3.0 - s * (2.0 / 15.0 - s * (17.0 / 315.0 - s * (62.0 / 2835.0 - s * (1382.0 / 155925.0))))));
  }
  return sign(x) * (1.0 - 2.0 / (exp(2.0 * a) + 1.0));
}`,
  sigmoid_f: `
fn sigmoid_f(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}`,
  sinh_f: `
fn sinh_f(x: f32) -> f32 {
  if (abs(x) < 0.5) { let s = x * x; return x * (1.0 + s * (1.0 / 6.0 + s * (1.0 / 120.0 + s / 5040.0))); }
  return 0.5 * (exp(x) - exp(-x));
}`,
  asinh_f: `
fn asinh_f(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.5) { let s = x * x; return x * (1.0 - s * (1.0 / 6.0 - s * (3.0 / 40.0 - s * (15.0 / 336.0 - s * (105.0 / 3456.0))))); }
  return sign(x) * log(a + sqrt(a * a + 1.0));
}`,
  atanh_f: `
fn atanh_f(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.5) { let s = x * x; return x * (1.0 + s * (1.0 / 3.0 + s * (1.0 / 5.0 + s * (1.0 / 7.0 + s * (1.0 / 9.0 + s * (1.0 / 11.0 + s / 13.0)))))); }
  return 0.5 * log((1.0 + x) / (1.0 - x));
}`,
  erfc_f: `
// erfc by the Chebyshev-fitted exponential of Numerical Recipes (fractional error below 1.2e-7 everywhere).
fn erfc_f(x: f32) -> f32 {
  let z = abs(x);
  let t = 1.0 / (1.0 + 0.5 * z);
  let p = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  let r = t * exp(p);
  if (x >= 0.0) { return r; }
  return 2.0 - r;
}`,
  erf_f: `
fn erf_f(x: f32) -> f32 {
  if (abs(x) < 0.5) {
    let s = x * x;
    return 1.1283791670955126 * x * (1.0 - s * (1.0 / 3.0 - s * (1.0 / 10.0 - s * (1.0 / 42.0 - s * (1.0 / 216.0 - s / 1320.0)))));
  }
  if (x > 0.0) { return 1.0 - erfc_f(x); }
  return erfc_f(-x) - 1.0;
}`,
};

/** The helper functions `code` calls, with the helpers those call (WGSL declarations may come in any order). */
export function mathHeader(code: string): string {
  const included = new Set<string>();
  const visit = (text: string): void => {
    for (const [name, source] of Object.entries(FUNCTIONS)) {
      const called = name === 'nan_f' ? /\b(nan_f|inf_f)\(/.test(text) : new RegExp(`\\b${name}\\(`).test(text);
      if (called && !included.has(name)) {
        included.add(name);
        visit(source);
      }
    }
  };
  visit(code);
  return [...included].map((name) => FUNCTIONS[name]).join('\n');
}
