// Preload (node --import) that turns on relaxed SIMD in Node 20 (on by default from Node 22). V8 flags cannot be
// given to worker threads, but set here they apply to the whole process, workers included.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--experimental-wasm-relaxed-simd');
