export type { DType, DataTypeMap, TensorData, TypedArray } from './dtype.js';
export {
  ALL_DTYPES, FLOAT_DTYPES, INT_DTYPES, FLOAT8_DTYPES, NUMERIC_DTYPES, allocData, bitsPerElement, dtypeCode,
  dtypeFromCode, isBigIntType, isDType, isEncodedFloat, setAllocationLimit, slotsPerElement,
} from './dtype.js';
export {
  bfloat16ToNumber, decodeFloatCode, encodeFloatCode, float16ToNumber, miniFloatToNumber, numberToBfloat16,
  numberToFloat16, numberToMiniFloat, packSubByte, unpackSubByte,
} from './codecs.js';
export { Tensor, describeValue, isTensor, shapeSize } from './tensor.js';
export type { DeviceAccess, MapKey, TensorLocation, Value } from './tensor.js';
export type {
  Attribute, AttributeType, AttributeValue, Dim, FunctionDef, Graph, Model, Node, SparseTensor, TypeInfo, ValueInfo,
} from './ir.js';
export { DEFAULT_DOMAIN, describeNode, findAttribute, normalizeDomain, subgraphsOf } from './ir.js';
export { attr, readAttributes } from './attributes.js';
export type { AttrDecl, AttrKind, AttrSchema, AttrValues } from './attributes.js';
export { defineKernel, getBackend, isModelConstant, kernelsFor, listBackends, markModelConstants, pickKernel, registerBackend } from './kernel.js';
export type { Backend, BackendSession, BackendSessionOptions, KernelContext, KernelInputs, KernelSpec } from './kernel.js';
export { broadcastIndex, broadcastShapes, normalizeAxis, sameShape, stridesOf } from './shape-utils.js';
export { InferenceSession, registerOptimizer } from './session.js';
export type {
  ExecutionProvider, ModelOptimizer, NodePlacement, ProfileEvent, RunOptions, SessionOptions, UnavailableProvider, ValueMetadata, ValueType,
} from './session.js';
export type { MemoryPlan } from './memory-plan.js';
export { useFileSystem, loadSource } from './files.js';
export type { FileSystem, ModelSource } from './files.js';
export { decodeModel, saveModel, MAX_GRAPH_DEPTH } from './proto/model-proto.js';
export type { DecodeOptions } from './proto/model-proto.js';
export { decodeTensor, decodeValue, densify, encodeTensor, encodeValue } from './proto/tensor-proto.js';
export type { ExternalDataReader, ProtoKind } from './proto/tensor-proto.js';
export { freeVariables, topologicalOrder } from './graph-analysis.js';
export { GraphPlan, Scope, checkAllocation, moveValue } from './executor.js';
export type { ExecutionEnv, NodeEvent, RunState } from './executor.js';
export { sliceAxis, stackAxis } from './tensor-ops.js';
export { FloatAttr, GraphBuilder, buildModel, tensorType, toAttribute } from './builder.js';
export type { BuilderAttr } from './builder.js';
export {
  MAX_TRACKED_VALUES, broadcastDims, describeConflict, hasShapeFunction, inferFacts, isStatic, mergeFacts,
  registerShapeFunctions, shapeFunctionFor, staticSize, tensorFacts, typeFacts,
} from './shape-inference.js';
export type { FactConflict, FactMap, InferOptions, ShapeContext, ShapeFunction, ValueFacts } from './shape-inference.js';
