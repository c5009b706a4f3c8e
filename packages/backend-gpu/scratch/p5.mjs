import { create } from '/work/main/packages/backend-gpu/node_modules/webgpu/index.js';
const gpu = create([]);
const a = await gpu.requestAdapter();
const d = await a.requestDevice();
import fs from 'node:fs'; const code = fs.readFileSync('/tmp/shader.wgsl','utf8');
const m = d.createShaderModule({ code });
const variant = process.argv[2];
let layout, p;
if (variant.includes('L')) {
  layout = d.createBindGroupLayout({ entries: [{ binding: 0, visibility: 4, buffer: { type: 'storage' } }, { binding: 1, visibility: 4, buffer: { type: 'uniform' } }] });
  p = variant.includes('S') ? d.createComputePipeline({ layout: d.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module: m, entryPoint: 'main' } }) : await d.createComputePipelineAsync({ layout: d.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module: m, entryPoint: 'main' } });
} else {
  p = await d.createComputePipelineAsync({ layout: 'auto', compute: { module: m, entryPoint: 'main' } });
  layout = p.getBindGroupLayout(0);
}
console.log('pipeline');
const b = d.createBuffer({ size: 256, usage: 128 | 4 | 8 });
const u = d.createBuffer({ size: 65536, usage: 64 | 8 });
const r = d.createBuffer({ size: 256, usage: 1 | 8 });
const e = d.createCommandEncoder();
const pass = e.beginComputePass(); pass.setPipeline(p); pass.setBindGroup(0, d.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer: b } }, { binding: 1, resource: { buffer: u, offset: 0, size: 16 } }] })); pass.dispatchWorkgroups(1); pass.end();
d.queue.writeBuffer(u, 0, new Uint32Array([10, 0, 0, 0]));
d.queue.submit([e.finish()]);
console.log('submitted');
const e2 = d.createCommandEncoder();
e2.copyBufferToBuffer(b, 0, r, 0, 64);
d.queue.submit([e2.finish()]);
await r.mapAsync(1, 0, 64);
console.log(new Float32Array(r.getMappedRange(0, 64).slice(0)));
