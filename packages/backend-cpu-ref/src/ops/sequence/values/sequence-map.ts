import { attr, defineKernel, describeValue, type Value } from '@onnx-ts/core';
import { sequenceInput } from '../inputs.js';

/**
 * SequenceMap: runs `body` once per element of the first input sequence. Further sequence inputs give their element
 * at the same position (they must be as long); further tensor inputs are passed whole to every run. Output k is the
 * sequence of the body's output k over the runs.
 */
export default [
  defineKernel({
    op: 'SequenceMap', since: 17,
    attrs: { body: attr.graph.required() },
    run: async (inputs, { body }, ctx) => {
      const first = sequenceInput('SequenceMap', inputs, 0, 'input_sequence');
      if (body.inputs.length !== inputs.length) {
        throw new Error(`SequenceMap: body takes ${body.inputs.length} inputs but the node gives ${inputs.length}`);
      }
      if (body.outputs.length !== ctx.outputCount) {
        throw new Error(`SequenceMap: body gives ${body.outputs.length} outputs but the node declares ${ctx.outputCount}`);
      }
      inputs.forEach((v, i) => {
        if (v === undefined || v === null) throw new Error(`SequenceMap: input ${i} is ${v === null ? 'an empty optional' : 'missing'}`);
        if (Array.isArray(v) && v.length !== first.length) {
          throw new Error(`SequenceMap: input ${i} is ${describeValue(v)} but the first input sequence has ${first.length}`);
        }
      });
      const outputs: Value[][] = body.outputs.map(() => []);
      for (let i = 0; i < first.length; i++) {
        const sample = inputs.map((v) => (Array.isArray(v) ? v[i] : (v as Value)));
        const results = await ctx.runGraph(body, sample);
        results.forEach((r, k) => outputs[k].push(r));
      }
      return outputs;
    },
  }),
];
