import { shaderSource } from '../src/program.js';
console.log(shaderSource({ label: 't', inputs: [], outputs: [{ name: 'y', kind: 'f32' }], params: { n: 'u32' }, workgroupSize: 64, main: 'if (gid < P.n) { y[gid] = f32(gid); }' }));
