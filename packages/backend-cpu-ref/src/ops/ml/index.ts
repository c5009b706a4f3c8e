/** The ai.onnx.ml operators, and ImageDecoder (ai.onnx) which shares their home for its decoder dependencies. */
import type { KernelSpec } from '@onnx-ts/core';
import arrayFeatureExtractor from './array-feature-extractor.js';
import binarizer from './binarizer.js';
import castMap from './cast-map.js';
import categoryMapper from './category-mapper.js';
import dictVectorizer from './dict-vectorizer.js';
import featureVectorizer from './feature-vectorizer.js';
import imageDecoder from './image-decoder/index.js';
import imputer from './imputer.js';
import labelEncoder from './label-encoder.js';
import linearClassifier from './linear-classifier.js';
import linearRegressor from './linear-regressor.js';
import normalizer from './normalizer.js';
import oneHotEncoder from './one-hot-encoder.js';
import scaler from './scaler.js';
import svmClassifier from './svm-classifier.js';
import svmRegressor from './svm-regressor.js';
import treeEnsemble from './tree-ensemble.js';
import treeEnsembleClassifier from './tree-ensemble-classifier.js';
import treeEnsembleRegressor from './tree-ensemble-regressor.js';
import zipMap from './zip-map.js';

export const kernels: KernelSpec<any>[] = [
  ...arrayFeatureExtractor, ...binarizer, ...castMap, ...categoryMapper, ...dictVectorizer, ...featureVectorizer,
  ...imageDecoder, ...imputer, ...labelEncoder, ...linearClassifier, ...linearRegressor, ...normalizer, ...oneHotEncoder, ...scaler,
  ...svmClassifier, ...svmRegressor, ...treeEnsemble, ...treeEnsembleClassifier, ...treeEnsembleRegressor, ...zipMap,
];
