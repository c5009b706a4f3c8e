/** Shape functions of the ai.onnx.ml ops whose output shapes follow from the input's and the attributes. */
import { attr, staticSize, type DType, type Dim, type ShapeContext, type ShapeFunction } from '@onnx-ts/core';
import { each, same, sameShapeAs } from './common.js';

/** Maps between strings and int64: X's shape, in the other type. */
const swapStringInt64: ShapeFunction = (c) => {
  const x = c.input(0);
  return [{ type: x.type === 'string' ? 'int64' : x.type === 'int64' ? 'string' : undefined, shape: x.shape }];
};

/** LabelEncoder: X's shape, in the type of the values it maps to (version 1 maps strings and int64 both ways). */
const labelEncoder: ShapeFunction = (c) => {
  if (c.opset < 2) return swapStringInt64(c);
  const a = c.attrs({ values_strings: attr.strings([]), values_int64s: attr.ints([]), values_floats: attr.floats([]), values_tensor: attr.tensor() });
  let type: DType | undefined;
  if (a.values_tensor) type = a.values_tensor.type;
  else if (a.values_strings.length) type = 'string';
  else if (a.values_int64s.length) type = 'int64';
  else if (a.values_floats.length) type = 'float32';
  return [{ type, shape: c.input(0).shape }];
};

/** Feature rows of X: [C] is one row, [N, C, ...] N rows. */
function rowsOf(c: ShapeContext): Dim {
  const x = c.input(0).shape;
  if (x?.length === 1) return 1;
  return x && x.length >= 2 ? x[0] : null;
}

/** Regressors: float32 [rows, targets]. */
function regressor(targets: (c: ShapeContext) => number): ShapeFunction {
  return (c) => [{ type: 'float32', shape: [rowsOf(c), targets(c)] }];
}

/**
 * Classifiers: one label per row (strings when string labels are given, else int64) and float32 scores per row;
 * the score columns are left unknown, since a binary classifier may widen one score column to two.
 */
function classifier(intLabels: string): ShapeFunction {
  return (c) => {
    const strings = c.attrs({ classlabels_strings: attr.strings([]) }).classlabels_strings;
    const ints = c.attrs({ [intLabels]: attr.ints([]) })[intLabels];
    const type: DType | undefined = strings.length ? 'string' : ints.length ? 'int64' : undefined;
    const rows = rowsOf(c);
    return [{ type, shape: [rows] }, { type: 'float32', shape: [rows, null] }];
  };
}

export const mlShapes: Record<string, ShapeFunction> = {
  ...each(['Binarizer', 'Imputer'], same),
  ...each(['Normalizer', 'Scaler'], sameShapeAs('float32')),
  LabelEncoder: labelEncoder,
  CategoryMapper: swapStringInt64,
  // The category axis is appended.
  OneHotEncoder: (c) => {
    const x = c.input(0);
    const a = c.attrs({ cats_int64s: attr.ints([]), cats_strings: attr.strings([]) });
    const count = x.type === undefined ? null : (x.type === 'string' ? a.cats_strings : a.cats_int64s).length;
    return [{ type: 'float32', shape: x.shape ? [...x.shape, count] : undefined }];
  },
  LinearRegressor: regressor((c) => c.attrs({ targets: attr.int(1) }).targets),
  SVMRegressor: regressor(() => 1),
  TreeEnsembleRegressor: regressor((c) => c.attrs({ n_targets: attr.int(1) }).n_targets),
  LinearClassifier: classifier('classlabels_ints'),
  SVMClassifier: classifier('classlabels_ints'),
  TreeEnsembleClassifier: classifier('classlabels_int64s'),
  // The picked columns replace the last axis; a 1-D X gives one row.
  ArrayFeatureExtractor: (c) => {
    const x = c.input(0).shape;
    const count = staticSize(c.input(1).shape) ?? null;
    if (!x || x.length === 0) return [{ type: c.input(0).type }];
    return [{ type: c.input(0).type, shape: x.length === 1 ? [1, count] : [...x.slice(0, -1), count] }];
  },
  TreeEnsemble: (c) => [{ type: c.input(0).type, shape: [rowsOf(c), c.attrs({ n_targets: attr.int.required() }).n_targets] }],
};
