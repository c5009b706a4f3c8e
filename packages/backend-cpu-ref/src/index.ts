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
export { Random } from './ops/sequence/random/prng.js';
