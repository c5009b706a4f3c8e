/**
 * Family C of the reference backend: sequence and optional values, signal processing, text, random generation,
 * losses, and the training optimizers of ai.onnx.preview.training (Gradient lives in ops/training).
 */
import type { KernelSpec } from '@onnx-ts/core';
import negativeLogLikelihoodLoss from './loss/negative-log-likelihood-loss.js';
import softmaxCrossEntropyLoss from './loss/softmax-cross-entropy-loss.js';
import bernoulli from './random/bernoulli.js';
import multinomial from './random/multinomial.js';
import randomNormalLike from './random/random-normal-like.js';
import randomNormal from './random/random-normal.js';
import randomUniformLike from './random/random-uniform-like.js';
import randomUniform from './random/random-uniform.js';
import blackmanWindow from './signal/blackman-window.js';
import dft from './signal/dft.js';
import hammingWindow from './signal/hamming-window.js';
import hannWindow from './signal/hann-window.js';
import melWeightMatrix from './signal/mel-weight-matrix.js';
import stft from './signal/stft.js';
import regexFullMatch from './text/regex-full-match.js';
import stringConcat from './text/string-concat.js';
import stringNormalizer from './text/string-normalizer.js';
import stringSplit from './text/string-split.js';
import tfIdfVectorizer from './text/tfidf-vectorizer.js';
import adagrad from './training/adagrad.js';
import adam from './training/adam.js';
import momentum from './training/momentum.js';
import concatFromSequence from './values/concat-from-sequence.js';
import optionalGetElement from './values/optional-get-element.js';
import optionalHasElement from './values/optional-has-element.js';
import optional from './values/optional.js';
import sequenceAt from './values/sequence-at.js';
import sequenceConstruct from './values/sequence-construct.js';
import sequenceEmpty from './values/sequence-empty.js';
import sequenceErase from './values/sequence-erase.js';
import sequenceInsert from './values/sequence-insert.js';
import sequenceLength from './values/sequence-length.js';
import sequenceMap from './values/sequence-map.js';
import splitToSequence from './values/split-to-sequence.js';

export const kernels: KernelSpec<any>[] = [
  ...optional, ...optionalGetElement, ...optionalHasElement,
  ...sequenceAt, ...sequenceConstruct, ...sequenceEmpty, ...sequenceErase, ...sequenceInsert, ...sequenceLength,
  ...sequenceMap, ...splitToSequence, ...concatFromSequence,
  ...dft, ...stft, ...blackmanWindow, ...hammingWindow, ...hannWindow, ...melWeightMatrix,
  ...stringConcat, ...stringNormalizer, ...stringSplit, ...regexFullMatch, ...tfIdfVectorizer,
  ...bernoulli, ...multinomial, ...randomNormal, ...randomNormalLike, ...randomUniform, ...randomUniformLike,
  ...negativeLogLikelihoodLoss, ...softmaxCrossEntropyLoss,
  ...adagrad, ...adam, ...momentum,
];
