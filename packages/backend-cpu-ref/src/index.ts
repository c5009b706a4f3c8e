import { registerBackend, type Backend } from '@onnx-ts/core';
import { kernels } from './kernels.js';
import './shape-functions/index.js';

/** The reference backend: every ONNX operator in plain TypeScript, the oracle the others are tested against. */
const cpuRef: Backend = {
  name: 'cpu-ref',
  priority: 0,
  isAvailable: () => true,
  kernels,
};

registerBackend(cpuRef);

export default cpuRef;
export { cpuRef, kernels };
export { fromNumbers, mapBroadcast, mapUnary, numericKind, toNumbers } from './util/elementwise.js';
export { gemm } from './util/gemm.js';
export { placeWindow, type Window, type WindowAttrs } from './ops/nn/window.js';
// Attribute schemas of ops whose kernels other backends provide too.
export { convAttrs } from './ops/nn/convolution.js';
export { poolAttrs } from './ops/nn/pooling.js';
export { gemmAttrs, type GemmAttrs } from './ops/nn/gemm.js';
export { Random, seededUniform } from './ops/sequence/random/prng.js';
