import { softmaxFamilyKernels } from './softmax-family.js';

// 1 at the first occurrence of the group's maximum, 0 elsewhere (out starts zeroed).
export default softmaxFamilyKernels('Hardmax', (values, out, start, members) => {
  if (members.length === 0) return;
  let best = start + members[0];
  for (let m = 1; m < members.length; m++) {
    const i = start + members[m];
    if (values[i] > values[best]) best = i;
  }
  out[best] = 1;
});
