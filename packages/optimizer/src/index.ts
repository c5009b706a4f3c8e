/**
 * The model optimizer: graph passes, quantization, pruning and float16 conversion, models in and valid ONNX models
 * out. Importing the package registers the optimizer with InferenceSession (graphOptimizationLevel, default
 * 'extended') and the 'onnx-ts-fused' backend that runs the com.onnx-ts fused ops.
 */
import { registerBackend, registerOptimizer } from '@onnx-ts/core';
import { fusedBackend } from './fused-kernels.js';
import { sessionOptimizer } from './session-hook.js';

registerBackend(fusedBackend);
registerOptimizer(sessionOptimizer);

export { optimize, optimizeModel, countNodes, PASSES, DEFAULT_MAX_FOLD_BYTES } from './optimize.js';
export type { OptimizeOptions, OptimizeReport } from './optimize.js';
export type { OptimizationLevel, Pass } from './passes/pass.js';
export { checkModel, assertValidModel } from './checker.js';
export type { CheckOptions, CheckResult } from './checker.js';
export { inferFacts } from './shape-inference.js';
export type { FactMap, ValueFacts } from './shape-inference.js';
export { fusedBackend, fusedKernels, applyActivation } from './fused-kernels.js';
export { FUSED_DOMAIN } from './passes/fusion.js';
export { quantize } from './quantize/quantize.js';
export type { QuantizeOptions, QuantizeReport, TensorReport } from './quantize/quantize.js';
export { quantizeWeightsInt4 } from './quantize/int4.js';
export type { Int4Options, Int4Report } from './quantize/int4.js';
export { calibrate, entropyThreshold, percentileThreshold } from './quantize/calibrate.js';
export type { CalibrationMethod, CalibrationOptions, TensorRange } from './quantize/calibrate.js';
export { cosine, errorStats, paramsForRange, quantizeTensor } from './quantize/params.js';
export type { ErrorStats, QuantParams, QuantType } from './quantize/params.js';
export type { OutputError } from './quantize/report.js';
export { randomSamples, seededUniform } from './quantize/samples.js';
export { prune } from './prune.js';
export type { PruneOptions, PruneReport, PrunedTensor } from './prune.js';
export { convertToFloat16, DEFAULT_FLOAT16_BLOCK } from './float16.js';
export type { Float16Options, Float16Report } from './float16.js';
export { upgradeOpset } from './opset.js';
