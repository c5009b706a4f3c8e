import { Tensor, attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../../tensor/args.js';
import { translateRe2 } from './re2.js';

/** RegexFullMatch: whether each string matches the RE2 `pattern` as a whole. */
export default [
  defineKernel({
    op: 'RegexFullMatch', since: 20, dtypes: ['string'],
    attrs: { pattern: attr.string.required() },
    run: (inputs, { pattern }) => {
      const x = tensorInput('RegexFullMatch', inputs, 0, 'X');
      const { source, flags } = translateRe2(pattern);
      let regex: RegExp;
      try {
        // Without the 'm' flag, ^ and $ are the ends of the whole string.
        regex = new RegExp(`^(?:${source})$`, flags);
      } catch (e) {
        throw new Error(`RegexFullMatch: pattern '${pattern}' is not valid: ${(e as Error).message}`);
      }
      const strings = x.data as string[];
      const out = new Uint8Array(x.size);
      for (let i = 0; i < out.length; i++) out[i] = regex.test(strings[i]) ? 1 : 0;
      return [new Tensor('bool', out, x.dims)];
    },
  }),
];
