import { groupMax, softmaxFamilyKernels } from './softmax-family.js';

export default softmaxFamilyKernels('LogSoftmax', (values, out, start, members) => {
  const max = groupMax(values, start, members);
  let sum = 0;
  for (let m = 0; m < members.length; m++) sum += Math.exp(values[start + members[m]] - max);
  const shift = max + Math.log(sum);
  for (let m = 0; m < members.length; m++) {
    const i = start + members[m];
    out[i] = values[i] - shift;
  }
});
