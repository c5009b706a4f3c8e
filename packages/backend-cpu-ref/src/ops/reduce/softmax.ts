import { groupMax, softmaxFamilyKernels } from './softmax-family.js';

export default softmaxFamilyKernels('Softmax', (values, out, start, members) => {
  const max = groupMax(values, start, members);
  let sum = 0;
  for (let m = 0; m < members.length; m++) {
    const i = start + members[m];
    out[i] = Math.exp(values[i] - max);
    sum += out[i];
  }
  for (let m = 0; m < members.length; m++) out[start + members[m]] /= sum;
});
