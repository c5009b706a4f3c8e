/**
 * CausalConvWithState (opset 27): depthwise causal 1-D convolution that carries its left context between calls.
 * Each channel c of input [batch, channels, length] is extended on the left by past_state [batch, channels, k-1]
 * (zeros when absent), then
 *   output[b, c, t] = act(bias[c] + Σ_i weight[c, 0, i] · extended[b, c, t + i])
 * with act the identity or SiLU/Swish (x·sigmoid(x)); present_state is the last k-1 values of the extended row.
 */
import { attr, defineKernel } from '@onnx-ts/core';
import { fromNumbers, toNumbers } from '../../util/elementwise.js';
import { expectDims, expectRank, expectType, optionalTensor, sameTypeTensors } from './checks.js';

const OP = 'CausalConvWithState';

export default [
  defineKernel({
    op: OP, since: 27,
    dtypes: ['float32', 'float16', 'bfloat16'],
    attrs: { activation: attr.string('none') },
    run: (inputs, attrs) => {
      const activation = attrs.activation;
      if (!['none', 'silu', 'swish'].includes(activation)) {
        throw new Error(`${OP}: activation should be 'none', 'silu' or 'swish', got '${activation}'`);
      }
      const [input, weight] = sameTypeTensors(OP, inputs, ['input', 'weight']);
      const bias = optionalTensor(OP, 'bias', inputs[2]);
      const past = optionalTensor(OP, 'past_state', inputs[3]);
      expectRank(OP, 'input', input, 3);
      expectRank(OP, 'weight', weight, 3);
      const [batch, channels, length] = input.dims;
      const kernel = weight.dims[2];
      if (kernel < 1) throw new Error(`${OP}: weight should have a kernel size of at least 1, got [${weight.dims.join(', ')}]`);
      expectDims(OP, 'weight', weight, [channels, 1, kernel]);
      if (bias) {
        expectDims(OP, 'bias', bias, [channels]);
        expectType(OP, 'bias', bias, input.type, 'input');
      }
      const carry = kernel - 1;
      const stateDims = [batch, channels, carry];
      if (past) {
        expectDims(OP, 'past_state', past, stateDims);
        expectType(OP, 'past_state', past, input.type, 'input');
      }

      const x = toNumbers(input);
      const w = toNumbers(weight);
      const biasValues = bias ? toNumbers(bias) : new Float64Array(channels);
      const pastValues = past ? toNumbers(past) : new Float64Array(batch * channels * carry);
      const output = new Float64Array(batch * channels * length);
      const present = new Float64Array(batch * channels * carry);
      const extended = new Float64Array(carry + length);
      for (let row = 0; row < batch * channels; row++) {
        const c = row % channels;
        extended.set(pastValues.subarray(row * carry, (row + 1) * carry));
        extended.set(x.subarray(row * length, (row + 1) * length), carry);
        for (let t = 0; t < length; t++) {
          let sum = biasValues[c];
          for (let i = 0; i < kernel; i++) sum += w[c * kernel + i] * extended[t + i];
          output[row * length + t] = activation === 'none' ? sum : sum / (1 + Math.exp(-sum));
        }
        present.set(extended.subarray(length, length + carry), row * carry);
      }
      return [fromNumbers(input.type, output, input.dims), fromNumbers(input.type, present, stateDims)];
    },
  }),
];
