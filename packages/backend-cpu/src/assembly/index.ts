// Entry of the WebAssembly module: the exports the JS side calls by name.
export { packA, gemmJob } from './jobs';
