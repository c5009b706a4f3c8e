import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';
ort.env.wasm.numThreads = Number(process.env.T ?? 1);
const dir = '/work/shared/onnx-backend-test-data/light';
for (const name of (process.env.M ?? 'squeezenet,resnet50,vgg19,bvlc_alexnet,densenet121,inception_v1,inception_v2,shufflenet,zfnet512').split(',')) {
  const s = await ort.InferenceSession.create(readFileSync(`${dir}/light_${name}.onnx`), { executionProviders: ['wasm'] });
  const n = 3*224*224; const d = new Float32Array(n); for (let i=0;i<n;i++) d[i]=i/n;
  const feeds = { [s.inputNames[0]]: new ort.Tensor('float32', d, [1,3,224,224]) };
  let t0 = performance.now(); await s.run(feeds); const first = performance.now()-t0;
  const ts=[]; for (let i=0;i<5;i++){ t0=performance.now(); await s.run(feeds); ts.push(performance.now()-t0);} ts.sort((a,b)=>a-b);
  console.log(name, 'inputs', s.inputNames.length, 'first', first.toFixed(0), 'median', ts[2].toFixed(1));
}
