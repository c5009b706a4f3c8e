import { GpuContext } from '../src/context.js';
const ctx = await GpuContext.create();
const b = ctx.acquire(256);
ctx.write(b, new Float32Array([1, 2, 3, 4]));
console.log('written');
const out = await ctx.read(b, 16);
console.log(new Float32Array(out));
