import { Tensor, attr, defineKernel } from '@onnx-ts/core';
import { tensorInput } from '../../tensor/args.js';

/** An ONNX locale name (POSIX style: 'en_US', 'tr_TR.UTF-8'; '' and 'C' mean the default) as a BCP 47 tag. */
function localeTag(locale: string): string {
  const name = locale.split('.')[0];
  if (name === '' || name === 'C' || name === 'POSIX') return 'en-US';
  const tag = name.replace(/_/g, '-');
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch {
    throw new Error(`StringNormalizer: locale '${locale}' is not a valid locale name`);
  }
}

/**
 * StringNormalizer: drops the stop words from a [C] or [1, C] string tensor (ignoring case unless is_case_sensitive),
 * then changes case as case_change_action says, by the rules of `locale` (default en_US). When every element is
 * dropped the output is one empty string, shaped [1] or [1, 1].
 */
export default [
  defineKernel({
    op: 'StringNormalizer', since: 10, dtypes: ['string'],
    attrs: {
      case_change_action: attr.string('NONE'),
      is_case_sensitive: attr.int(0),
      locale: attr.string('en_US'),
      stopwords: attr.strings([]),
    },
    run: (inputs, { case_change_action: action, is_case_sensitive, locale, stopwords }) => {
      const x = tensorInput('StringNormalizer', inputs, 0, 'X');
      if (!(x.dims.length === 1 || (x.dims.length === 2 && x.dims[0] === 1))) {
        throw new Error(`StringNormalizer: X must be [C] or [1, C], got [${x.dims.join(', ')}]`);
      }
      if (action !== 'NONE' && action !== 'LOWER' && action !== 'UPPER') {
        throw new Error(`StringNormalizer: case_change_action must be NONE, LOWER or UPPER, got '${action}'`);
      }
      const tag = localeTag(locale);
      const key = is_case_sensitive === 1 ? (s: string) => s : (s: string) => s.toLocaleLowerCase(tag);
      const stop = new Set(stopwords.map(key));
      const kept = (x.data as string[]).filter((s) => !stop.has(key(s)));
      const changed = kept.map((s) =>
        action === 'LOWER' ? s.toLocaleLowerCase(tag) : action === 'UPPER' ? s.toLocaleUpperCase(tag) : s);
      const out = changed.length > 0 ? changed : [''];
      return [new Tensor('string', out, x.dims.length === 2 ? [1, out.length] : [out.length])];
    },
  }),
];
