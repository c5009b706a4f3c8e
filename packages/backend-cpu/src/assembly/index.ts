// Entry of the WebAssembly module: the exports the JS side calls by name.
export { im2colJob, packA, gemmJob } from './jobs';
export { depthwiseJob, poolJob } from './spatial';
export { elementwiseJob, gemvJob, lrn, softmaxRows } from './elementwise';
export { permute } from './layout';
export { winogradFilter, winogradInputJob, winogradOutputJob } from './winograd';
