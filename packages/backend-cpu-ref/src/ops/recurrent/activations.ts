/**
 * The activation functions RNN, GRU and LSTM accept by name. Per the spec, activation_alpha and activation_beta are
 * consumed in the order of the activation list, each by the functions that take that parameter; a function left
 * without a value uses the default of the ONNX operator of the same name.
 */

export type Activation = (x: number) => number;

interface ActivationDef {
  alpha?: number;
  beta?: number;
  make(alpha: number, beta: number): Activation;
}

const ACTIVATIONS: Record<string, ActivationDef> = {
  relu: { make: () => (x) => (x > 0 ? x : 0) },
  tanh: { make: () => Math.tanh },
  sigmoid: { make: () => (x) => 1 / (1 + Math.exp(-x)) },
  affine: { alpha: 1, beta: 0, make: (a, b) => (x) => a * x + b },
  leakyrelu: { alpha: 0.01, make: (a) => (x) => (x >= 0 ? x : a * x) },
  thresholdedrelu: { alpha: 1, make: (a) => (x) => (x > a ? x : 0) },
  scaledtanh: { alpha: 1, beta: 1, make: (a, b) => (x) => a * Math.tanh(b * x) },
  hardsigmoid: { alpha: 0.2, beta: 0.5, make: (a, b) => (x) => Math.max(0, Math.min(1, a * x + b)) },
  elu: { alpha: 1, make: (a) => (x) => (x >= 0 ? x : a * (Math.exp(x) - 1)) },
  softsign: { make: () => (x) => x / (1 + Math.abs(x)) },
  // Written so that exp never overflows for large |x|.
  softplus: { make: () => (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))) },
};

/**
 * The activation functions of each direction: `names` (or `defaults` repeated per direction when absent) must hold
 * `defaults.length` names per direction, forward first.
 */
export function resolveActivations(
  op: string,
  names: readonly string[] | undefined,
  alphas: readonly number[] | undefined,
  betas: readonly number[] | undefined,
  defaults: readonly string[],
  numDirections: number,
): Activation[][] {
  const list = names ?? Array.from({ length: numDirections }, () => defaults).flat();
  const expected = defaults.length * numDirections;
  if (list.length !== expected) {
    throw new Error(`${op}: attribute 'activations' should list ${expected} functions (${defaults.length} per direction), got ${list.length}`);
  }
  let alphaAt = 0;
  let betaAt = 0;
  const fns = list.map((name) => {
    const def = ACTIVATIONS[name.toLowerCase()];
    if (!def) throw new Error(`${op}: unknown activation function '${name}'`);
    const alpha = def.alpha === undefined ? 0 : alphas?.[alphaAt++] ?? def.alpha;
    const beta = def.beta === undefined ? 0 : betas?.[betaAt++] ?? def.beta;
    return def.make(alpha, beta);
  });
  return Array.from({ length: numDirections }, (_, d) => fns.slice(d * defaults.length, (d + 1) * defaults.length));
}
